import type { ClassifiedFinding, Evidence } from '../model/finding.js';
import type { AuditReport } from '../model/report.js';

export function location(evidence: Evidence): string {
  return evidence.startLine === evidence.endLine ? `${evidence.file}:${evidence.startLine}` : `${evidence.file}:${evidence.startLine}-${evidence.endLine}`;
}

export function primaryLocation(finding: ClassifiedFinding): string {
  return location(finding.evidence[0]!);
}

/** A fence longer than any backtick run in the quoted code, so code can never close it early. */
export function fence(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length))));
  return '`'.repeat(longest + 1);
}

/** Markdown table cells may not hold pipes or newlines. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function sourcesOf(finding: ClassifiedFinding): string {
  return finding.sources.map((s) => (s.kind === 'probe' ? `probe \`${s.id}\`` : `agent ${s.id}`)).join(', ');
}

/** Tokens and dollars of this run, and what reusing saved results did not spend again. */
export function costLine(report: AuditReport): string {
  const agents = report.coverage.agents;
  const tokens = agents.reduce((n, a) => n + a.inputTokens + a.outputTokens, 0);
  const reused = agents.filter((a) => a.reusedFrom !== null);
  const saved = reused.reduce((n, a) => n + a.savedUsd, 0);
  return `${tokens} tokens, cost $${report.coverage.costUsd.toFixed(4)}${reused.length > 0 ? `; ${reused.length} agent result(s) reused without a model call ($${saved.toFixed(4)} not spent again)` : ''}`;
}
