import type { ClassifiedFinding } from '../model/finding.js';
import type { PlanWeek } from '../model/report.js';
import type { Effort } from '../model/taxonomy.js';

const HOURS: Record<Effort, number> = { hours: 4, days: 16, weeks: 60 };

/**
 * A week-by-week plan in the checklist's shape: stop-ship first, then fix-soon by severity, then
 * acceptable risks and the retest. Weeks with nothing in them are left out.
 */
export function remediationPlan(findings: readonly ClassifiedFinding[]): PlanWeek[] {
  const weeks: { theme: string; take: (f: ClassifiedFinding) => boolean }[] = [
    { theme: 'Stop-ship: fix before launch', take: (f) => f.launchClass === 'stop-ship' },
    { theme: 'Fix soon: high severity', take: (f) => f.launchClass === 'fix-soon' && (f.severity === 'CRITICAL' || f.severity === 'HIGH') },
    { theme: 'Fix soon: medium and low severity', take: (f) => f.launchClass === 'fix-soon' && (f.severity === 'MEDIUM' || f.severity === 'LOW') },
    { theme: 'Acceptable risk: backlog, then re-audit', take: (f) => f.launchClass === 'acceptable-risk' },
  ];
  const plan: PlanWeek[] = [];
  for (const { theme, take } of weeks) {
    const items = findings.filter(take).map((f) => ({
      fingerprint: f.fingerprint,
      title: f.title,
      severity: f.severity,
      location: `${f.evidence[0]!.file}:${f.evidence[0]!.startLine}`,
      effort: f.effort,
    }));
    if (items.length === 0) continue;
    plan.push({ week: plan.length + 1, theme, items, estimatedHours: items.reduce((sum, item) => sum + HOURS[item.effort], 0) });
  }
  return plan;
}
