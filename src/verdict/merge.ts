import type { Evidence, Finding } from '../model/finding.js';
import { severityRank } from '../model/taxonomy.js';

/**
 * One finding per real issue. Findings merge when they share a fingerprint, or when they cite
 * overlapping lines of one file in the same category and either they come from the same rule or
 * one of them is an agent's (agents confirm or extend probe leads). The merged finding keeps the
 * highest severity, every source and every distinct piece of evidence.
 */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const merged: Finding[] = [];
  for (const finding of findings) {
    const twin = merged.find((existing) => sameIssue(existing, finding));
    if (!twin) {
      merged.push({ ...finding, sources: [...finding.sources], evidence: [...finding.evidence] });
      continue;
    }
    const index = merged.indexOf(twin);
    merged[index] = combine(twin, finding);
  }
  return merged;
}

function sameIssue(a: Finding, b: Finding): boolean {
  if (a.fingerprint === b.fingerprint) return true;
  if (a.category !== b.category) return false;
  const agentInvolved = [...a.sources, ...b.sources].some((source) => source.kind === 'agent');
  if (a.ruleId !== b.ruleId && !agentInvolved) return false;
  return a.evidence.some((x) => b.evidence.some((y) => overlaps(x, y)));
}

function overlaps(a: Evidence, b: Evidence): boolean {
  return a.file === b.file && a.startLine <= b.endLine && b.startLine <= a.endLine;
}

function combine(a: Finding, b: Finding): Finding {
  const stronger = severityRank(b.severity) < severityRank(a.severity) ? b : a;
  const sources = [...a.sources];
  for (const source of b.sources) if (!sources.some((s) => s.kind === source.kind && s.id === source.id)) sources.push(source);
  const evidence = [...a.evidence];
  for (const item of b.evidence) if (!evidence.some((e) => e.file === item.file && e.startLine === item.startLine)) evidence.push(item);
  return { ...stronger, fingerprint: a.fingerprint, sources, evidence };
}
