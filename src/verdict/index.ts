import type { LaunchContext } from '../model/context.js';
import type { ClassifiedFinding, Finding } from '../model/finding.js';
import type { CategoryScore, PlanWeek, Verdict } from '../model/report.js';
import { CATEGORIES, severityRank, type Category } from '../model/taxonomy.js';
import { launchClassOf } from './classify.js';
import { remediationPlan } from './plan.js';
import { countBySeverity, rate, readinessScore, scoreCategories, type CategoryCoverage } from './score.js';

export { mergeFindings } from './merge.js';
export { verifyEvidence, type DroppedFinding } from './verify.js';
export type { CategoryCoverage } from './score.js';

export interface VerdictInput {
  readonly findings: readonly Finding[];
  readonly context: LaunchContext;
  readonly coverage: ReadonlyMap<Category, CategoryCoverage>;
  /** Fingerprints of findings accepted as risks (unexpired): listed, but outside the rating and the plan. */
  readonly accepted?: ReadonlySet<string>;
}

export interface VerdictResult {
  readonly findings: ClassifiedFinding[];
  readonly scores: CategoryScore[];
  readonly verdict: Verdict;
  readonly plan: PlanWeek[];
}

/** Scores verified, merged findings: classes, the fifteen categories, the rating and the plan. */
export function judge({ findings, context, coverage, accepted = new Set() }: VerdictInput): VerdictResult {
  const classified = findings
    .map((finding) => ({ ...finding, launchClass: accepted.has(finding.fingerprint) ? ('acceptable-risk' as const) : launchClassOf(finding, context.strictness) }))
    .sort(byImportance);
  // An accepted risk is a recorded decision, with an owner and an expiry: it no longer weighs on the rating.
  const open = classified.filter((f) => !accepted.has(f.fingerprint));
  const scores = scoreCategories(open, coverage);
  const counts = countBySeverity(open);
  const { rating, reasons } = rate(scores, counts);
  const acceptedCount = classified.length - open.length;
  if (acceptedCount > 0) reasons.push(`${acceptedCount} accepted risk(s) listed but not counted.`);
  const ids = (cls: ClassifiedFinding['launchClass']): string[] => classified.filter((f) => f.launchClass === cls).map((f) => f.fingerprint);
  const stopShip = ids('stop-ship');
  const verdict: Verdict = {
    rating,
    readinessScore: readinessScore(counts),
    reasons,
    counts,
    stopShip,
    fixSoon: ids('fix-soon'),
    acceptableRisk: ids('acceptable-risk'),
    recommendation: recommendationFor(rating, stopShip.length),
  };
  return { findings: classified, scores, verdict, plan: remediationPlan(open) };
}

function byImportance(a: ClassifiedFinding, b: ClassifiedFinding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
    a.evidence[0]!.file.localeCompare(b.evidence[0]!.file) ||
    a.evidence[0]!.startLine - b.evidence[0]!.startLine
  );
}

function recommendationFor(rating: Verdict['rating'], stopShip: number): string {
  if (stopShip > 0) return `Do not launch until the ${stopShip} stop-ship issue${stopShip === 1 ? ' is' : 's are'} resolved.`;
  if (rating === 'NOT READY') return 'Do not launch: fix the failing categories first.';
  if (rating === 'CONDITIONALLY READY') return 'Launch is possible with the fix-soon items scheduled and the unaudited categories reviewed.';
  return 'Ready to launch; keep the acceptable risks in the backlog and re-audit before the next major release.';
}
