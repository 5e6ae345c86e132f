import type { ClassifiedFinding } from '../model/finding.js';
import type { AuditReport } from '../model/report.js';
import { costLine, primaryLocation } from './format.js';
import { standingTag } from './tracking-md.js';

const SHOWN_PER_CLASS = 10;

/** The verdict as printed to the terminal: the decision first, then what to fix, then where the report is. */
export function renderConsoleSummary(report: AuditReport, reportPaths: readonly string[]): string {
  const { verdict } = report;
  const byId = new Map(report.findings.map((f) => [f.fingerprint, f]));
  const lines = [`Production Readiness Verdict: ${verdict.rating}  (readiness ${verdict.readinessScore}/100)${report.incomplete ? '  INCOMPLETE' : ''}`];
  if (report.incomplete) lines.push(`  INCOMPLETE: ${report.incomplete.reason}; this is what was known when it stopped.`);
  lines.push(...verdict.reasons.map((reason) => `  ${reason}`), '');
  const section = (title: string, ids: readonly string[], numbered: boolean): void => {
    lines.push(`${title} (${ids.length}):`);
    const shown = ids.slice(0, SHOWN_PER_CLASS).map((id) => byId.get(id)!);
    shown.forEach((f, i) => lines.push(`  ${numbered ? `${i + 1}.` : '-'} ${row(f)}`));
    if (ids.length === 0) lines.push('  none');
    if (ids.length > SHOWN_PER_CLASS) lines.push(`  … and ${ids.length - SHOWN_PER_CLASS} more in the report`);
    lines.push('');
  };
  section('Stop-Ship Issues', verdict.stopShip, true);
  section('Fix-Soon', verdict.fixSoon, false);
  section('Acceptable Risks', verdict.acceptableRisk, false);
  lines.push(`Recommendation: ${verdict.recommendation}`);
  if (report.changes) {
    const stop = report.findings.filter((f) => f.change === 'new' && f.launchClass === 'stop-ship').length;
    lines.push(`Since ${report.changes.since}: ${report.changes.newFindings.length} new finding(s), ${stop} of them stop-ship; ${report.changes.preExisting.length} pre-existing (not gated unless --fail-on …,pre-existing).`);
  }
  if (report.trends) lines.push(`Since the last audit: ${report.trends.counts.new} new, ${report.trends.counts.fixed} fixed, ${report.trends.counts.unchanged} unchanged (readiness ${report.trends.previous.readinessScore} → ${verdict.readinessScore}).`);
  if (report.coverage.mode === 'probes-only') lines.push('Mode: probes only (no API key); agents did not run.');
  else lines.push(`Agents: ${report.coverage.agents.map((a) => `${a.name} ${a.reusedFrom ? 'reused' : a.status}`).join(', ')}; ${costLine(report)}.`);
  if (reportPaths.length > 0) lines.push('', 'Reports:', ...reportPaths.map((p) => `  ${p}`));
  return `${lines.join('\n')}\n`;
}

function row(f: ClassifiedFinding): string {
  return `${f.severity.padEnd(8)} ${f.title} — ${primaryLocation(f)}${standingTag(f)}`;
}
