import { z } from 'zod';

/** Ordered from most to least severe; the order is used for sorting and "highest justified severity". */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The fifteen categories of the master checklist, in its canonical order. */
export const CATEGORIES = [
  'Security',
  'UI/UX Safety',
  'Code Quality',
  'Data Integrity',
  'Reliability',
  'Throughput',
  'Recovery',
  'Concurrency',
  'State Machine',
  'Idempotency',
  'Observability',
  'Cost Control',
  'Permissions',
  'Data Lifecycle',
  'Human Error',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

/** The nine phases of the audit workflow, numbered as in the design. */
export const PHASES = [
  { id: 1, name: 'Launch context and risk framing' },
  { id: 2, name: 'System and architecture mapping' },
  { id: 3, name: 'Codebase health' },
  { id: 4, name: 'Data safety and migrations' },
  { id: 5, name: 'Security and abuse' },
  { id: 6, name: 'Performance and load readiness' },
  { id: 7, name: 'Observability and debuggability' },
  { id: 8, name: 'Operational readiness and failure modes' },
  { id: 9, name: 'Launch verdict and remediation plan' },
] as const;
export const PhaseId = z.number().int().min(1).max(9);
export type PhaseId = z.infer<typeof PhaseId>;

export const AGENTS = [
  'system-explorer',
  'code-auditor',
  'security-auditor',
  'reliability-auditor',
  'ops-auditor',
] as const;
export const AgentName = z.enum(AGENTS);
export type AgentName = z.infer<typeof AgentName>;

export const Confidence = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof Confidence>;

/** Effort to fix, in the buckets a remediation plan is drawn from. */
export const Effort = z.enum(['hours', 'days', 'weeks']);
export type Effort = z.infer<typeof Effort>;

export const LaunchClass = z.enum(['stop-ship', 'fix-soon', 'acceptable-risk']);
export type LaunchClass = z.infer<typeof LaunchClass>;
