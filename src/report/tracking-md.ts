import type { ClassifiedFinding } from '../model/finding.js';
import type { AuditReport } from '../model/report.js';
import { cell, primaryLocation } from './format.js';

/** A short note after a finding's title: new or pre-existing in diff mode, accepted or expired. */
export function standingTag(f: ClassifiedFinding): string {
  const tags: string[] = [];
  if (f.change) tags.push(f.change);
  if (f.acceptance) tags.push(f.acceptance.expired ? `acceptance expired ${f.acceptance.expires}` : `accepted by ${f.acceptance.owner}${f.acceptance.expires ? ` until ${f.acceptance.expires}` : ''}`);
  return tags.length > 0 ? ` [${tags.join('; ')}]` : '';
}

/** The lines a finding block adds about its acceptance, so the reason travels with the finding. */
export function acceptanceLines(f: ClassifiedFinding): string[] {
  const a = f.acceptance;
  if (!a) return [];
  if (a.expired) return [`- **Accepted risk, expired:** the acceptance by ${a.owner} ended ${a.expires} ("${cell(a.reason)}"); it counts and blocks again until fixed or re-accepted.`];
  return [`- **Accepted risk:** by ${a.owner} on ${a.acceptedAt.slice(0, 10)}, ${a.expires ? `until ${a.expires}` : 'no expiry'} — "${cell(a.reason)}"`];
}

/** "Track improvement over time": this run against the previous report of the same root and scope. */
export function trendsSection(report: AuditReport): string[] {
  const t = report.trends;
  if (!t) return ['## Since the last audit', '', 'This is the first audit of this target and scope in the reports folder: nothing to compare with yet.'];
  const delta = t.scoreDelta === 0 ? 'unchanged' : t.scoreDelta > 0 ? `+${t.scoreDelta}` : `${t.scoreDelta}`;
  const byId = new Map(report.findings.map((f) => [f.fingerprint, f]));
  const out = [
    '## Since the last audit',
    '',
    `Compared with \`${t.previous.report}\` (${t.previous.finishedAt.slice(0, 16).replace('T', ' ')} UTC${t.previous.head ? `, commit \`${t.previous.head.slice(0, 12)}\`` : ''}).`,
    '',
    '| | previous | now |',
    '|---|---|---|',
    `| Verdict | ${t.previous.rating} | ${report.verdict.rating} |`,
    `| Readiness score | ${t.previous.readinessScore}/100 | ${report.verdict.readinessScore}/100 (${delta}) |`,
    '',
    `Findings: **${t.counts.new} new**, **${t.counts.fixed} fixed**, ${t.counts.unchanged} unchanged; ${t.counts.accepted} of the current ones accepted as risks.`,
  ];
  if (t.note) out.push('', `Note: ${t.note}.`);
  const fresh = t.newFindings.map((id) => byId.get(id)).filter((f): f is ClassifiedFinding => f !== undefined);
  if (fresh.length > 0) out.push('', 'New:', ...fresh.map((f) => `- ${f.severity} ${f.title} (\`${primaryLocation(f)}\`)`));
  if (t.fixed.length > 0) out.push('', 'Fixed:', ...t.fixed.map((f) => `- ${f.severity} ${f.title} (\`${f.location}\`)`));
  return out;
}

/** Diff mode: what was compared, which findings are new and which were there before. */
export function changesSection(report: AuditReport): string[] {
  const c = report.changes;
  if (!c) return [];
  const shown = c.changedFiles.slice(0, 30).map((f) => `\`${f}\``).join(', ');
  return [
    `## Changes since \`${c.since}\``,
    '',
    `Compared the working tree with \`${c.base.slice(0, 12)}\` (${c.mergeBase ? `the merge-base of \`${c.since}\` and HEAD` : `\`${c.since}\` itself`}). ${c.changedFiles.length} file(s) changed${c.changedFiles.length > 0 ? `: ${shown}${c.changedFiles.length > 30 ? ', …' : ''}` : ''}.`,
    ...(c.note ? ['', `Note: ${c.note}.`] : []),
    '',
    `**${c.newFindings.length} new** finding(s) cite changed lines: the gate weighs these. ${c.preExisting.length} pre-existing finding(s) on unchanged lines are listed but block only with \`--fail-on …,pre-existing\`.`,
  ];
}

/** How `.prod-audit/accepted.json` applied. */
export function acceptedSection(report: AuditReport): string[] {
  const r = report.acceptedRisks;
  if (!r) return [];
  const byId = new Map(report.findings.map((f) => [f.fingerprint, f]));
  const row = (id: string): string => {
    const f = byId.get(id)!;
    const a = f.acceptance!;
    return `| ${cell(f.title)} | \`${primaryLocation(f)}\` | ${cell(a.owner)} | ${a.expires ?? 'none'}${a.expired ? ' (expired)' : ''} | ${cell(a.reason)} |`;
  };
  const out = ['## Accepted risks', '', `From \`${r.file}\`: ${r.active.length} accepted, ${r.expired.length} expired, ${r.unmatched.length} no longer reported.`];
  if (r.active.length + r.expired.length > 0) out.push('', '| finding | where | owner | expires | reason |', '|---|---|---|---|---|', ...[...r.active, ...r.expired].map(row));
  if (r.expired.length > 0) out.push('', `Expired acceptances count and block again: fix the finding, or accept it anew with \`prod-audit accept\`.`);
  if (r.unmatched.length > 0) out.push('', `Not reported this run (fixed, changed or out of scope): ${r.unmatched.map((id) => `\`${id}\``).join(', ')}.`);
  return out;
}
