import type { AuditReport } from '../model/report.js';
import type { ClassifiedFinding } from '../model/finding.js';

export const FAIL_ON = ['stop-ship', 'high', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** `--fail-on LEVEL[,pre-existing]`: the level, and whether diff mode's pre-existing findings may block too. */
export interface GatePolicy {
  readonly level: FailOn;
  readonly preExisting: boolean;
}

/** Parses `stop-ship`, `high,pre-existing`…; undefined when the text is not a policy. */
export function parseFailOn(raw: string): GatePolicy | undefined {
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const levels = parts.filter((p) => (FAIL_ON as readonly string[]).includes(p));
  const rest = parts.filter((p) => !levels.includes(p));
  if (parts.length === 0 || levels.length > 1 || rest.some((p) => p !== 'pre-existing')) return undefined;
  return { level: (levels[0] as FailOn | undefined) ?? 'stop-ship', preExisting: rest.length > 0 };
}

/**
 * Whether the verdict blocks progression (exit code 1).
 * stop-ship: any stop-ship finding or a NOT READY rating. high: also any HIGH finding. never: report only.
 * Accepted risks never block; an expired acceptance blocks like any finding. In diff mode (--since)
 * only new findings block, and the rating (which describes the whole repository) does not, unless
 * the policy includes pre-existing findings.
 */
export function gateBlocks(report: AuditReport, failOn: FailOn | GatePolicy): boolean {
  const policy = typeof failOn === 'string' ? { level: failOn, preExisting: false } : failOn;
  if (policy.level === 'never') return false;
  const newOnly = report.changes != null && !policy.preExisting;
  const gating = report.findings.filter((f) => !isAccepted(f) && (!newOnly || f.change === 'new'));
  if (gating.some((f) => f.launchClass === 'stop-ship')) return true;
  if (!newOnly && report.verdict.rating === 'NOT READY') return true;
  return policy.level === 'high' && gating.some((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
}

export function isAccepted(finding: ClassifiedFinding): boolean {
  return finding.acceptance !== undefined && !finding.acceptance.expired;
}
