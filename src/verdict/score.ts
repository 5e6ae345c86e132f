import type { ClassifiedFinding } from '../model/finding.js';
import type { CategoryScore, Rating, SeverityCounts } from '../model/report.js';
import { CATEGORIES, type Category, type Severity } from '../model/taxonomy.js';

export interface CategoryCoverage {
  /** Checks of this category that ran (probes, and agents once they run). */
  readonly ran: number;
  readonly notApplicable: number;
  readonly errored: number;
}

export function countBySeverity(findings: readonly { severity: Severity }[]): SeverityCounts {
  const counts: SeverityCounts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/**
 * The master checklist's rubric: PASS no CRITICAL or HIGH; PARTIAL no CRITICAL and 1–2 HIGH;
 * FAIL any CRITICAL or 3+ HIGH. A category with no finding passes only if some check of it ran:
 * nothing to judge is NOT_APPLICABLE, nothing that could judge it is NOT_AUDITED.
 */
export function scoreCategories(findings: readonly ClassifiedFinding[], coverage: ReadonlyMap<Category, CategoryCoverage>): CategoryScore[] {
  return CATEGORIES.map((category) => {
    const counts = countBySeverity(findings.filter((f) => f.category === category));
    const checks = coverage.get(category) ?? { ran: 0, notApplicable: 0, errored: 0 };
    const { status, note } = judgeCategory(counts, checks);
    // A check that crashed is said out loud whatever the others found.
    const errors = checks.errored > 0 && status !== 'NOT_AUDITED' ? `; ${checks.errored} check(s) failed to run` : '';
    return { category, status, counts, note: `${note}${errors}` };
  });
}

function judgeCategory(counts: SeverityCounts, checks: CategoryCoverage): { status: CategoryScore['status']; note: string } {
  const total = counts.CRITICAL + counts.HIGH + counts.MEDIUM + counts.LOW;
  if (counts.CRITICAL > 0 || counts.HIGH >= 3) return { status: 'FAIL', note: counts.CRITICAL > 0 ? `${counts.CRITICAL} critical finding(s)` : `${counts.HIGH} high findings` };
  if (counts.HIGH > 0) return { status: 'PARTIAL', note: `${counts.HIGH} high finding(s)` };
  if (total > 0) return { status: 'PASS', note: `only medium/low findings (${total})` };
  if (checks.ran > 0) return { status: 'PASS', note: `${checks.ran} check(s) ran, nothing found` };
  if (checks.errored > 0) return { status: 'NOT_AUDITED', note: `${checks.errored} check(s) failed to run` };
  if (checks.notApplicable > 0) return { status: 'NOT_APPLICABLE', note: 'nothing in the target for these checks to judge' };
  return { status: 'NOT_AUDITED', note: 'no offline check covers this category; run with agents' };
}

/**
 * PRODUCTION READY: every category PASS or not applicable, nothing unaudited, no CRITICAL or HIGH.
 * NOT READY: any CRITICAL, any FAIL, or more than three PARTIAL (we read the checklist's gap —
 * a FAIL without a CRITICAL — pessimistically: FAIL means "stop and fix before next release").
 * CONDITIONALLY READY: everything in between.
 */
export function rate(scores: readonly CategoryScore[], counts: SeverityCounts): { rating: Rating; reasons: string[] } {
  const failing = scores.filter((s) => s.status === 'FAIL');
  const partial = scores.filter((s) => s.status === 'PARTIAL');
  const unaudited = scores.filter((s) => s.status === 'NOT_AUDITED');
  const reasons: string[] = [];
  if (counts.CRITICAL > 0) reasons.push(`${counts.CRITICAL} CRITICAL finding(s).`);
  if (failing.length > 0) reasons.push(`${failing.length} categor${failing.length === 1 ? 'y' : 'ies'} FAIL: ${failing.map((s) => s.category).join(', ')}.`);
  if (partial.length > 3) reasons.push(`${partial.length} categories PARTIAL (more than 3).`);
  if (reasons.length > 0) return { rating: 'NOT READY', reasons };

  if (partial.length > 0) reasons.push(`${partial.length} categor${partial.length === 1 ? 'y' : 'ies'} PARTIAL: ${partial.map((s) => s.category).join(', ')}.`);
  if (counts.HIGH > 0) reasons.push(`${counts.HIGH} HIGH finding(s) to fix soon.`);
  if (unaudited.length > 0) reasons.push(`${unaudited.length} categor${unaudited.length === 1 ? 'y was' : 'ies were'} not audited: ${unaudited.map((s) => s.category).join(', ')}.`);
  if (reasons.length > 0) return { rating: 'CONDITIONALLY READY', reasons };
  return { rating: 'PRODUCTION READY', reasons: ['Every category passed or had nothing to audit; no CRITICAL or HIGH findings.'] };
}

const WEIGHT: Record<Severity, number> = { CRITICAL: 20, HIGH: 8, MEDIUM: 3, LOW: 1 };

/** 100 less a weight per finding (CRITICAL 20, HIGH 8, MEDIUM 3, LOW 1), never below 0. */
export function readinessScore(counts: SeverityCounts): number {
  const penalty = (Object.keys(WEIGHT) as Severity[]).reduce((sum, severity) => sum + WEIGHT[severity] * counts[severity], 0);
  return Math.max(0, 100 - penalty);
}
