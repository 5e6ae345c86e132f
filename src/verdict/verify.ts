import type { Finding } from '../model/finding.js';
import type { Redactor } from '../repo/secrets.js';
import type { RepoView } from '../repo/view.js';

export interface DroppedFinding {
  readonly title: string;
  readonly reason: string;
}

/**
 * Checks every cited file:line against the file itself: the lines must exist and the quoted text
 * must match (modulo whitespace, after redaction). Findings that fail are dropped and counted,
 * never silently trusted.
 */
export function verifyEvidence(findings: readonly Finding[], view: RepoView, redactor: Redactor): { kept: Finding[]; dropped: DroppedFinding[] } {
  const files = new Map(view.files.map((file) => [file.path, file]));
  const kept: Finding[] = [];
  const dropped: DroppedFinding[] = [];
  for (const finding of findings) {
    const problem = finding.evidence.map((evidence) => {
      const file = files.get(evidence.file);
      if (!file) return `cited file ${evidence.file} is not in the audited tree`;
      if (evidence.startLine > evidence.endLine || evidence.endLine > file.lines.length) {
        return `cited lines ${evidence.file}:${evidence.startLine}-${evidence.endLine} do not exist (the file has ${file.lines.length})`;
      }
      const actual = file.lines.slice(evidence.startLine - 1, evidence.endLine).map((line) => normalise(redactor.redact(line)));
      const quoted = evidence.lines.map(normalise);
      if (quoted.join('\n') !== actual.join('\n')) return `quoted text does not match ${evidence.file}:${evidence.startLine}-${evidence.endLine}`;
      return undefined;
    }).find((reason) => reason !== undefined);
    if (problem) dropped.push({ title: finding.title, reason: problem });
    else kept.push(finding);
  }
  return { kept, dropped };
}

function normalise(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}
