import type { ClassifiedFinding } from '../model/finding.js';
import type { AuditReport, CategoryStatus } from '../model/report.js';
import { CATEGORIES, PHASES, type Category } from '../model/taxonomy.js';
import { cell, costLine, fence, location, primaryLocation, sourcesOf } from './format.js';
import { TROUBLESHOOTING } from './troubleshooting.js';
import { acceptanceLines, acceptedSection, changesSection, standingTag, trendsSection } from './tracking-md.js';

const STATUS_LABEL: Record<CategoryStatus, string> = {
  PASS: 'PASS',
  PARTIAL: 'PARTIAL',
  FAIL: 'FAIL',
  NOT_APPLICABLE: 'N/A',
  NOT_AUDITED: 'NOT AUDITED',
};

/** The human report: verdict first, then why, then every finding with its evidence, then the plan. */
export function renderMarkdown(report: AuditReport): string {
  const out: string[] = [];
  const byId = new Map(report.findings.map((f) => [f.fingerprint, f]));
  const pick = (ids: readonly string[]): ClassifiedFinding[] => ids.map((id) => byId.get(id)!).filter(Boolean);

  out.push(`# Production Readiness Audit: ${plainText(report.target.name)}`, '');
  if (report.incomplete) {
    out.push(`> **INCOMPLETE** — ${report.incomplete.reason}. This report holds what was known when the audit stopped; categories whose agents did not finish are NOT AUDITED.${report.incomplete.resume ? ` Resume from the audited folder with \`${report.incomplete.resume}\`.` : ''}`, '');
  }
  out.push(`Audited ${report.finishedAt.slice(0, 10)} by prod-audit ${report.tool.version}${gitLine(report)}.`, '');
  out.push(...verdictBlock(report, pick), '');
  out.push(...executiveSummary(report), '');
  out.push(...trendsSection(report), '');
  out.push(...changesSection(report), '');
  out.push(...acceptedSection(report), '');
  out.push(...launchContext(report), '');
  out.push(...systemMapSection(report), '');
  out.push(...scoringMatrix(report), '');
  out.push(...agentsSection(report), '');
  out.push(...stopShipList(pick(report.verdict.stopShip)), '');
  out.push(...findingsSection(report.findings, report.workflow.systemType.priority), '');
  out.push(...roadmap(report), '');
  out.push(...troubleshooting(report), '');
  out.push(...notAudited(report), '');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function gitLine(report: AuditReport): string {
  const git = report.target.git;
  if (!git?.head) return '';
  return ` at commit \`${git.head.slice(0, 12)}\`${git.branch ? ` on \`${git.branch}\`` : ''}${git.dirty ? ' (with uncommitted changes)' : ''}`;
}

function verdictBlock(report: AuditReport, pick: (ids: readonly string[]) => ClassifiedFinding[]): string[] {
  const { verdict } = report;
  const lines = ['```text', `Production Readiness Verdict: ${verdict.rating}`, `Readiness score: ${verdict.readinessScore}/100`, ''];
  const stop = pick(verdict.stopShip);
  lines.push(`Stop-Ship Issues (${stop.length}):`);
  stop.forEach((f, i) => lines.push(`${i + 1}. ${f.title} (${primaryLocation(f)})${standingTag(f)}`));
  if (stop.length === 0) lines.push('- none');
  const soon = pick(verdict.fixSoon);
  lines.push('', `Fix-Soon (${soon.length}):`);
  soon.forEach((f) => lines.push(`- ${f.title} (${primaryLocation(f)})${standingTag(f)}`));
  if (soon.length === 0) lines.push('- none');
  const accepted = pick(verdict.acceptableRisk);
  lines.push('', `Acceptable Risks (${accepted.length}):`);
  accepted.forEach((f) => lines.push(`- ${f.title} (${primaryLocation(f)})${standingTag(f)}`));
  if (accepted.length === 0) lines.push('- none');
  lines.push('', 'Recommendation:', verdict.recommendation);
  // The block quotes titles and file names from the target: its fence must outlast any backticks in them.
  const marker = fence(lines.slice(1));
  return [`${marker}text`, ...lines.slice(1), marker];
}

function executiveSummary(report: AuditReport): string[] {
  const { counts, rating, reasons } = report.verdict;
  const total = counts.CRITICAL + counts.HIGH + counts.MEDIUM + counts.LOW;
  const mode =
    report.coverage.mode === 'probes-only'
      ? 'This run was **probes only**: deterministic checks with no model (no API key was used). Categories no probe can judge are marked NOT AUDITED rather than passed.'
      : `Specialist agents (${report.coverage.agents.map((a) => `${a.name}: ${a.status}`).join(', ')}) investigated the repository with the probe findings as leads; every line they cited was checked against the file, and ${report.coverage.droppedFindings.length} claim(s) that did not match were dropped.`;
  return [
    '## Executive summary',
    '',
    `**${rating}.** ${reasons.join(' ')}`,
    '',
    `${total} finding(s): ${counts.CRITICAL} critical, ${counts.HIGH} high, ${counts.MEDIUM} medium, ${counts.LOW} low, across ${report.coverage.filesAudited} files (${formatBytes(report.coverage.bytesAudited)}).`,
    '',
    mode,
  ];
}

function launchContext(report: AuditReport): string[] {
  const c = report.context;
  return [
    '## Launch context',
    '',
    `- Context given: ${c.text ? `"${c.text}"` : 'none'}`,
    `- Launch type: ${c.launchType ?? 'unknown'}; audience: ${c.audienceSize?.toLocaleString('en-US') ?? 'unknown'}; revenue impact: ${c.revenueImpact ? 'yes' : 'no'}; data sensitivity: ${c.dataSensitivity}`,
    `- Strictness: **${c.strictness}**${c.rationale.length ? ` (${c.rationale.join(' ')})` : ''}`,
    '- Stop-ship criteria:',
    ...c.stopShipCriteria.map((rule) => `  - ${rule}`),
  ];
}

/** Phase 2's output: architecture, data, dependencies and trust boundaries, as the map found them. */
function systemMapSection(report: AuditReport): string[] {
  const map = report.systemMap;
  const list = (items: readonly string[], empty = 'none found'): string => (items.length > 0 ? items.join('; ') : empty);
  return [
    '## System map',
    '',
    `- **Runtime architecture:** ${list(map.entryPoints.map((e) => `${e.kind} \`${e.file}:${e.line}\``))}`,
    `- **HTTP surface:** ${map.routes.length} route(s), ${map.routes.filter((r) => !r.authenticated).length} without authentication`,
    `- **Data:** ${list(map.dataStores.map((d) => `${d.kind} via ${d.via}`))}${map.models.length > 0 ? `; models ${map.models.map((m) => m.name).join(', ')}` : ''}`,
    `- **External dependencies:** ${list(map.externalServices.map((s) => `${s.name} (${s.via})`))}`,
    `- **Configuration read:** ${map.envVars.length} environment variable(s)${map.envVars.length > 0 ? `: ${map.envVars.slice(0, 20).map((v) => `\`${v.name}\``).join(', ')}${map.envVars.length > 20 ? ', …' : ''}` : ''}`,
    `- **Deploy files:** ${list(map.deployFiles.map((f) => `\`${f}\``))}`,
    '- **Trust boundaries:**',
    ...(map.trustBoundaries.length > 0 ? map.trustBoundaries.map((t) => `  - ${cell(t)}`) : ['  - none derived']),
  ];
}

function scoringMatrix(report: AuditReport): string[] {
  const { priority, type } = report.workflow.systemType;
  const rows = priority
    .map((category) => report.scores.find((s) => s.category === category)!)
    .map((s, i) => `| ${i + 1} | ${s.category} | ${STATUS_LABEL[s.status]} | ${s.counts.CRITICAL} | ${s.counts.HIGH} | ${s.counts.MEDIUM} | ${s.counts.LOW} | ${cell(s.note)} |`);
  const c = report.verdict.counts;
  return [
    '## Scoring matrix',
    '',
    `Ordered by the master checklist's priorities for ${SYSTEM_TYPE_LABEL[type]} (${cell(report.workflow.systemType.reasons.join(' '))}).`,
    '',
    '| # | Category | Score | Critical | High | Medium | Low | Notes |',
    '|---|----------|-------|----------|------|--------|-----|-------|',
    ...rows,
    `| **OVERALL** | | **${report.verdict.rating}** | ${c.CRITICAL} | ${c.HIGH} | ${c.MEDIUM} | ${c.LOW} | readiness ${report.verdict.readinessScore}/100 |`,
  ];
}

function agentsSection(report: AuditReport): string[] {
  const { agents } = report.coverage;
  if (agents.length === 0) return [];
  const sum = (pick: (a: (typeof agents)[number]) => number): number => agents.reduce((n, a) => n + pick(a), 0);
  const out = [
    '## Agents',
    '',
    `Model \`${report.coverage.model}\`; ${costLine(report)}.${report.run ? ` Run \`${report.run.id}\`${report.run.resumed ? ' (resumed)' : ''}.` : ''}`,
    '',
    '| agent | status | turns | input tokens | output tokens | prompt cache read | cost | result | findings kept / reported |',
    '|-------|--------|-------|--------------|---------------|-------------------|------|--------|--------------------------|',
    ...agents.map((a) => `| ${a.name} | ${a.status} | ${a.turns} | ${a.inputTokens} | ${a.outputTokens} | ${a.cacheReadTokens} | $${a.usd.toFixed(4)} | ${reuse(a)} | ${a.findingsKept} / ${a.findingsReported} |`),
    `| **total** | | ${sum((a) => a.turns)} | ${sum((a) => a.inputTokens)} | ${sum((a) => a.outputTokens)} | ${sum((a) => a.cacheReadTokens)} | $${report.coverage.costUsd.toFixed(4)} | ${agents.filter((a) => a.reusedFrom).length} reused | ${sum((a) => a.findingsKept)} / ${sum((a) => a.findingsReported)} |`,
    '',
  ];
  for (const a of agents) {
    const notes = [...a.notes, ...a.rejectedLeads.map((l) => `disputed probe finding \`${l.fingerprint}\`: ${l.reason}`)];
    if (a.summary) out.push(`**${a.name}:** ${cell(a.summary)}`, '');
    if (notes.length > 0) out.push(...notes.map((n) => `- ${a.name}: ${n}`), '');
  }
  return out;
}

function reuse(a: AuditReport['coverage']['agents'][number]): string {
  if (a.reusedFrom === 'checkpoint') return `from the run checkpoint (saved $${a.savedUsd.toFixed(4)})`;
  if (a.reusedFrom === 'result-cache') return `from the result cache (saved $${a.savedUsd.toFixed(4)})`;
  return 'new';
}

function stopShipList(stop: ClassifiedFinding[]): string[] {
  if (stop.length === 0) return ['## Stop-ship issues', '', 'None.'];
  return [
    '## Stop-ship issues',
    '',
    ...stop.map((f, i) => `${i + 1}. **${f.title}** — ${f.severity}, ${f.category}, \`${primaryLocation(f)}\`. ${f.recommendation}`),
  ];
}

const SYSTEM_TYPE_LABEL: Record<AuditReport['workflow']['systemType']['type'], string> = {
  'ai-pipeline': 'an AI / media pipeline',
  saas: 'a SaaS platform',
  'e-commerce': 'an e-commerce platform',
  'api-platform': 'an API platform',
};

function findingsSection(findings: readonly ClassifiedFinding[], priority: readonly Category[]): string[] {
  if (findings.length === 0) return ['## Findings', '', 'No findings.'];
  const out = ['## Findings', '', 'Grouped by category, in the priority order of the scoring matrix.', ''];
  for (const category of priority) {
    const inCategory = findings.filter((f) => f.category === category);
    if (inCategory.length === 0) continue;
    out.push(`### ${category}`, '');
    inCategory.forEach((f) => out.push(...findingBlock(f), ''));
  }
  return out;
}

function findingBlock(f: ClassifiedFinding): string[] {
  const phase = PHASES.find((p) => p.id === f.phase)?.name ?? `phase ${f.phase}`;
  const out = [
    `#### ${f.severity}: ${f.title}`,
    '',
    `- **Where:** ${f.evidence.map((e) => `\`${location(e)}\``).join(', ')}`,
    `- **Class:** ${f.launchClass} · **Phase:** ${f.phase} (${phase}) · **Confidence:** ${f.confidence} · **Effort:** ${f.effort}${f.cwe ? ` · **${f.cwe}**` : ''}`,
    `- **Found by:** ${sourcesOf(f)} · **Fingerprint:** \`${f.fingerprint}\``,
    ...acceptanceLines(f),
    ...(f.change ? [`- **Diff:** ${f.change === 'new' ? 'new — cites a changed line' : 'pre-existing — on unchanged lines'}`] : []),
    ...(f.verification ? [`- **Skeptic pass:** ${f.verification.outcome} by ${f.verification.by} — ${f.verification.reason}`] : []),
    '',
  ];
  for (const evidence of f.evidence) {
    const marker = fence(evidence.lines);
    out.push(`${marker}text`, ...evidence.lines.map((line, i) => `${String(evidence.startLine + i).padStart(5)} | ${line}`), marker, '');
  }
  out.push(`**What:** ${f.description}`, '', `**Impact:** ${f.impact}`, '', `**Fix:** ${f.recommendation}`);
  return out;
}

function roadmap(report: AuditReport): string[] {
  if (report.plan.length === 0) return ['## Remediation roadmap', '', 'Nothing to remediate.'];
  const out = ['## Remediation roadmap', ''];
  for (const week of report.plan) {
    out.push(`### Week ${week.week}: ${week.theme} (~${week.estimatedHours} h)`, '');
    week.items.forEach((item) => out.push(`- [ ] ${item.severity} ${item.title} — \`${item.location}\` (${item.effort})`));
    out.push('');
  }
  out.push(`Retest: run \`prod-audit audit\` again after each week; fixed findings disappear by fingerprint.`);
  return out;
}

function troubleshooting(report: AuditReport): string[] {
  const categories = CATEGORIES.filter((c) => report.findings.some((f) => f.category === c));
  if (categories.length === 0) return [];
  const out = ['## Troubleshooting notes', '', 'What these findings tend to look like in production, and where to start.', ''];
  for (const category of categories) {
    const s = TROUBLESHOOTING[category];
    out.push(`**${category}.** *Symptom:* ${s.symptom} *Likely causes:* ${s.causes} *Debug:* ${s.debug} *Prevent:* ${s.prevent}`, '');
  }
  return out;
}

function notAudited(report: AuditReport): string[] {
  const out = ['## What was not audited, and why', ''];
  const unaudited = report.scores.filter((s) => s.status === 'NOT_AUDITED' || s.status === 'NOT_APPLICABLE');
  for (const s of unaudited) out.push(`- **${s.category}** (${STATUS_LABEL[s.status]}): ${s.note}.`);
  if (report.coverage.mode === 'probes-only') {
    out.push('- **Agents**: not run (no API key). Set `ANTHROPIC_API_KEY` for the specialist agents to investigate beyond the probes.');
  }
  const errors = report.coverage.probes.filter((p) => p.status === 'error');
  for (const p of errors) out.push(`- Probe \`${p.id}\` failed to run: ${p.error ?? 'unknown error'}.`);
  const notApplicable = report.coverage.probes.filter((p) => p.status === 'not-applicable').map((p) => `\`${p.id}\``);
  if (notApplicable.length > 0) out.push(`- Probes with nothing to check here: ${notApplicable.join(', ')}.`);
  const skipped = report.coverage.skipped;
  if (skipped.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.path]);
    for (const [reason, paths] of byReason) {
      const shown = paths.slice(0, 10).map((p) => `\`${p}\``).join(', ');
      out.push(`- ${paths.length} file(s) skipped as ${reason}: ${shown}${paths.length > 10 ? `, and ${paths.length - 10} more` : ''}.`);
    }
  }
  for (const d of report.coverage.droppedFindings) out.push(`- Dropped finding "${d.title}": ${d.reason}.`);
  out.push('- Ignored by design: dependencies, build output, vendored and minified files, and paths in `.gitignore`.');
  return out;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Text from the target outside code: markup in it (a folder named `<img onerror=…>`) is shown, not rendered. */
function plainText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([\\`*_[\]])/g, '\\$1');
}
