import type { ClassifiedFinding } from '../model/finding.js';
import type { Trends } from '../model/tracking.js';
import type { PastReport } from '../workflow/history.js';
import { isAccepted } from './gate.js';

export interface CurrentRun {
  readonly findings: readonly ClassifiedFinding[];
  readonly readinessScore: number;
  readonly mode: string;
}

/** New, fixed and unchanged by fingerprint: a finding is the same finding as long as its cited code is. */
export function compareWithPrevious(current: CurrentRun, previous: PastReport, file: string): Trends {
  const before = new Set(previous.findings.map((f) => f.fingerprint));
  const now = new Set(current.findings.map((f) => f.fingerprint));
  const newFindings = current.findings.filter((f) => !before.has(f.fingerprint)).map((f) => f.fingerprint);
  const fixed = previous.findings
    .filter((f) => !now.has(f.fingerprint))
    .map((f) => ({ fingerprint: f.fingerprint, title: f.title, severity: f.severity, location: `${f.evidence[0]!.file}:${f.evidence[0]!.startLine}` }));
  return {
    previous: { report: file, finishedAt: previous.finishedAt, rating: previous.verdict.rating, readinessScore: previous.verdict.readinessScore, head: previous.target.git?.head ?? null },
    counts: { new: newFindings.length, fixed: fixed.length, unchanged: now.size - newFindings.length, accepted: current.findings.filter(isAccepted).length },
    scoreDelta: current.readinessScore - previous.verdict.readinessScore,
    newFindings,
    fixed,
    // Agents find what probes cannot; a change of mode moves the counts without the code changing.
    note: previous.coverage.mode !== current.mode ? `the previous run was ${previous.coverage.mode}, this one ${current.mode}: some changes come from the mode, not the code` : null,
  };
}
