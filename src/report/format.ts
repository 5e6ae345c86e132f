import type { ClassifiedFinding, Evidence } from '../model/finding.js';

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
