import { z } from 'zod';
import { AgentName, Category, Confidence, Effort, LaunchClass, PhaseId, Severity } from './taxonomy.js';
import { AppliedAcceptance, ChangeStatus } from './tracking.js';

/** A cited span of a file. `lines` are the quoted lines, already redacted. */
export const Evidence = z.object({
  file: z.string().min(1).describe('Path relative to the audited root, with forward slashes'),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  lines: z.array(z.string()),
});
export type Evidence = z.infer<typeof Evidence>;

/** Who produced or confirmed a finding: a deterministic probe or an agent. */
export const Source = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('probe'), id: z.string() }),
  z.object({ kind: z.literal('agent'), id: AgentName }),
]);
export type Source = z.infer<typeof Source>;

/** The skeptic pass's word on a CRITICAL or HIGH finding. */
export const Verification = z.object({
  outcome: z.enum(['confirmed', 'disproved', 'uncertain']),
  by: AgentName,
  reason: z.string(),
});
export type Verification = z.infer<typeof Verification>;

export const Finding = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  ruleId: z.string(),
  title: z.string().min(1),
  severity: Severity,
  category: Category,
  phase: PhaseId,
  sources: z.array(Source).min(1),
  evidence: z.array(Evidence).min(1),
  description: z.string(),
  impact: z.string(),
  recommendation: z.string(),
  effort: Effort,
  confidence: Confidence,
  cwe: z.string().regex(/^CWE-\d+$/).optional(),
  verification: Verification.optional(),
});
export type Finding = z.infer<typeof Finding>;

/** A finding after the verdict has weighed it against the launch context. */
export const ClassifiedFinding = Finding.extend({
  launchClass: LaunchClass,
  change: ChangeStatus.optional().describe('With --since only'),
  acceptance: AppliedAcceptance.optional(),
});
export type ClassifiedFinding = z.infer<typeof ClassifiedFinding>;
