import type { AuditReport } from '../model/report.js';

export const FAIL_ON = ['stop-ship', 'high', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * Whether the verdict blocks progression (exit code 1).
 * stop-ship: any stop-ship finding or a NOT READY rating. high: also any HIGH finding. never: report only.
 */
export function gateBlocks(report: AuditReport, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const { verdict } = report;
  if (verdict.rating === 'NOT READY' || verdict.stopShip.length > 0) return true;
  return failOn === 'high' && verdict.counts.HIGH > 0;
}
