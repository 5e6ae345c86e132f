import { z } from 'zod';
import { LaunchContext } from './context.js';
import { SystemMap } from './system-map.js';
import { ClassifiedFinding } from './finding.js';
import { AgentName, Category, Effort, PhaseId, Severity } from './taxonomy.js';
import { AcceptedRisks, ChangeScope, Trends } from './tracking.js';

/** 2: adds changes (--since), acceptedRisks and trends. */
export const SCHEMA_VERSION = 2;

export const CategoryStatus = z.enum(['PASS', 'PARTIAL', 'FAIL', 'NOT_APPLICABLE', 'NOT_AUDITED']);
export type CategoryStatus = z.infer<typeof CategoryStatus>;

export const SeverityCounts = z.object({ CRITICAL: z.number().int(), HIGH: z.number().int(), MEDIUM: z.number().int(), LOW: z.number().int() });
export type SeverityCounts = z.infer<typeof SeverityCounts>;

export const CategoryScore = z.object({
  category: Category,
  status: CategoryStatus,
  counts: SeverityCounts,
  /** Why the status is what it is, in a phrase (e.g. "3 probes ran, nothing found"). */
  note: z.string(),
});
export type CategoryScore = z.infer<typeof CategoryScore>;

export const Rating = z.enum(['PRODUCTION READY', 'CONDITIONALLY READY', 'NOT READY']);
export type Rating = z.infer<typeof Rating>;

export const Verdict = z.object({
  rating: Rating,
  readinessScore: z.number().int().min(0).max(100),
  /** One line per reason the rating is what it is. */
  reasons: z.array(z.string()),
  counts: SeverityCounts,
  stopShip: z.array(z.string()).describe('Fingerprints of stop-ship findings'),
  fixSoon: z.array(z.string()),
  acceptableRisk: z.array(z.string()),
  recommendation: z.string(),
});
export type Verdict = z.infer<typeof Verdict>;

export const PlanItem = z.object({ fingerprint: z.string(), title: z.string(), severity: Severity, location: z.string(), effort: Effort });
export const PlanWeek = z.object({ week: z.number().int().min(1), theme: z.string(), items: z.array(PlanItem), estimatedHours: z.number() });
export type PlanWeek = z.infer<typeof PlanWeek>;

export const ProbeOutcome = z.object({
  id: z.string(),
  status: z.enum(['ran', 'not-applicable', 'error']),
  hits: z.number().int(),
  error: z.string().optional(),
  durationMs: z.number(),
});

export const AgentRun = z.object({
  name: AgentName,
  status: z.enum(['completed', 'partial', 'failed', 'cancelled']),
  turns: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  usd: z.number(),
  startedAt: z.iso.datetime(),
  durationMs: z.number().int(),
  findingsReported: z.number().int(),
  findingsKept: z.number().int().describe('Reported findings whose evidence matched the file'),
  rejectedLeads: z.array(z.object({ fingerprint: z.string(), reason: z.string() })).describe('Probe findings the agent disputed; they stay in the report'),
  summary: z.string().nullable(),
  notes: z.array(z.string()),
  apiStatus: z.number().int().nullable().default(null).describe('The HTTP status of the API error that ended the run (401: the key was refused), or null'),
  reusedFrom: z.enum(['checkpoint', 'result-cache']).nullable().default(null).describe('Set when no model call was made: a saved result was still valid'),
  savedUsd: z.number().default(0).describe('What the reused result cost when it was made, not spent again'),
});
export type AgentRun = z.infer<typeof AgentRun>;

export const Coverage = z.object({
  mode: z.enum(['probes-only', 'agents']),
  filesAudited: z.number().int(),
  bytesAudited: z.number().int(),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  probes: z.array(ProbeOutcome),
  /** Findings whose cited evidence did not match the file, dropped before scoring. */
  droppedFindings: z.array(z.object({ title: z.string(), reason: z.string() })),
  agents: z.array(AgentRun),
  model: z.string().nullable(),
  costUsd: z.number(),
});

export const WorkflowRecord = z.object({
  systemType: z.object({
    type: z.enum(['ai-pipeline', 'saas', 'e-commerce', 'api-platform']),
    reasons: z.array(z.string()),
    priority: z.array(Category).length(15).describe("The master checklist's priority ordering for this system type"),
  }),
  phases: z.array(z.object({ phase: PhaseId, name: z.string(), state: z.enum(['pending', 'running', 'done', 'skipped']), findings: z.number().int() })),
  phasesRequested: z.array(PhaseId).nullable().describe('The --phase selection, or null for all'),
  focus: z.object({ terms: z.array(z.string()), files: z.number().int() }).nullable(),
  gate: z
    .object({ phase: PhaseId, fingerprint: z.string(), title: z.string(), location: z.string(), decision: z.enum(['continue', 'stop']), mode: z.enum(['interactive', 'fail-fast', 'report-only']) })
    .nullable()
    .describe('The first stop-ship finding that reached the gate, and what the gate did'),
});

export const AuditReport = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('prod-audit'), version: z.string() }),
  target: z.object({
    name: z.string(),
    git: z.object({ head: z.string().nullable(), branch: z.string().nullable(), dirty: z.boolean() }).nullable(),
  }),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  context: LaunchContext,
  verdict: Verdict,
  scores: z.array(CategoryScore).length(15),
  findings: z.array(ClassifiedFinding),
  plan: z.array(PlanWeek),
  systemMap: SystemMap,
  workflow: WorkflowRecord,
  coverage: Coverage,
  changes: ChangeScope.nullable().describe('Diff mode (--since), or null for a whole-repository audit'),
  acceptedRisks: AcceptedRisks.nullable().describe('How .prod-audit/accepted.json applied, or null when there is none'),
  trends: Trends.nullable().describe('Against the previous report of the same root and scope, or null for the first'),
  run: z
    .object({ id: z.string(), checkpoints: z.string(), resumed: z.boolean() })
    .nullable()
    .default(null)
    .describe('The checkpointed run (audits with agents), or null'),
  incomplete: z
    .object({ reason: z.string(), resume: z.string().nullable() })
    .nullable()
    .default(null)
    .describe('Set when the audit was interrupted: what is here is what was known, and how to continue'),
});
export type AuditReport = z.infer<typeof AuditReport>;

/**
 * A saved JSON report, from this version or an earlier one: version 1 had no `changes`, `acceptedRisks`
 * or `trends`, which read as absent (null), so reports written before an upgrade stay readable.
 */
export function parseSavedReport(data: unknown): AuditReport {
  if (data && typeof data === 'object' && (data as { schemaVersion?: unknown }).schemaVersion === 1) {
    return AuditReport.parse({ changes: null, acceptedRisks: null, trends: null, ...data, schemaVersion: SCHEMA_VERSION });
  }
  return AuditReport.parse(data);
}
