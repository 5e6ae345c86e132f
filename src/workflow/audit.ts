import path from 'node:path';
import { openSession, runAgents, type AgentsOptions } from '../agents/orchestrate.js';
import { skepticPass } from '../agents/verify.js';
import { roleOf } from '../agents/roster.js';
import type { AgentResult } from '../agents/runtime.js';
import { DEFAULT_MODEL } from '../llm/defaults.js';
import type { Finding, Verification } from '../model/finding.js';
import type { AgentRun, AuditReport } from '../model/report.js';
import { SCHEMA_VERSION } from '../model/report.js';
import type { Category } from '../model/taxonomy.js';
import { ProbeContext } from '../probes/context.js';
import { PROBES } from '../probes/registry.js';
import { runProbes, type ProbeOutcome } from '../probes/run.js';
import type { Probe } from '../probes/types.js';
import { collectRepo, type CollectOptions } from '../repo/collect.js';
import { redactorFor } from '../repo/redactor.js';
import type { Redactor } from '../repo/secrets.js';
import { judge, mergeFindings, verifyEvidence, type DroppedFinding } from '../verdict/index.js';
import { VERSION } from '../version.js';
import { parseLaunchContext } from './launch-context.js';
import { buildSystemMap } from './system-map.js';

export interface AuditOptions extends CollectOptions {
  readonly target: string;
  readonly context?: string;
  readonly probes?: readonly Probe[];
  /** With these, the specialist agents investigate after the probes; without, the run is probes only. */
  readonly agents?: AgentsOptions;
  /** Called with one line per step of the run, for progress output. */
  readonly onProgress?: (message: string) => void;
  readonly now?: () => Date;
}

export interface AuditResult {
  readonly report: AuditReport;
  /** The audited root, resolved to a real path. */
  readonly root: string;
  /** Every text leaving the process about this target must pass through this. */
  readonly redactor: Redactor;
}

/** repo → probes → agents → verify → merge → score → verdict. Offline, the probes are the whole audit. */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const now = options.now ?? (() => new Date());
  const progress = options.onProgress ?? (() => {});
  const startedAt = now().toISOString();
  const probes = options.probes ?? PROBES;

  // Collect first: a wrong target is reported before anything else is printed.
  const view = await collectRepo(options.target, options);
  const context = parseLaunchContext(options.context);
  progress(`Phase 1: launch context read, strictness ${context.strictness}`);
  const redactor = redactorFor(view);
  progress(`Phase 2: collected ${view.files.length} files (${view.skipped.length} skipped)${view.git?.head ? ` at ${view.git.head.slice(0, 12)}` : ''}`);

  const run = runProbes(view, probes, redactor);
  const count = (status: ProbeOutcome['status']): number => run.outcomes.filter((o) => o.status === status).length;
  const errors = count('error');
  progress(`Phases 3-8: ${count('ran')} probes ran (${count('not-applicable')} not applicable), ${run.findings.length} raw findings${errors ? `, ${errors} probe error(s)` : ''}`);

  const probeCheck = verifyEvidence(run.findings, view, redactor);
  const coverage = coverageByCategory(probes, run.outcomes);
  const dropped: DroppedFinding[] = [...probeCheck.dropped];
  let findings = mergeFindings(probeCheck.kept);
  let agentRuns: AgentRun[] = [];
  let costUsd = 0;
  if (options.agents) {
    const session = await openSession(view, buildSystemMap(new ProbeContext(view)), redactor, options.agents);
    try {
      const results = await runAgents(session, probeCheck.kept, options.agents, progress);
      const checked = checkAgentFindings(results, view, redactor, dropped);
      agentRuns = checked.agentRuns;
      for (const result of results) countAgentCoverage(coverage, result);
      findings = mergeFindings([...probeCheck.kept, ...checked.agentFindings]);
      if (options.agents.verify) {
        progress('Skeptic pass: trying to disprove each CRITICAL and HIGH finding');
        findings = applyVerifications(findings, await skepticPass(session, findings), dropped);
      }
    } finally {
      // The shared meter counts every request, the skeptic pass's included.
      costUsd = session.cost.spentUsd;
      await session.close();
    }
  }

  const result = judge({ findings, context, coverage });
  progress(`Phase 9: verdict ${result.verdict.rating}`);

  const report: AuditReport = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'prod-audit', version: VERSION },
    target: { name: path.basename(view.root), git: view.git },
    startedAt,
    finishedAt: now().toISOString(),
    context,
    verdict: result.verdict,
    scores: result.scores,
    findings: result.findings,
    plan: result.plan,
    coverage: {
      mode: options.agents ? 'agents' : 'probes-only',
      filesAudited: view.files.length,
      bytesAudited: view.totalBytes,
      skipped: [...view.skipped],
      probes: run.outcomes,
      droppedFindings: dropped,
      agents: agentRuns,
      model: options.agents ? (options.agents.llm.model ?? DEFAULT_MODEL) : null,
      costUsd,
    },
  };
  return { report, root: view.root, redactor };
}

/** Agent findings are claims: each cited line is checked against the file; what does not match is dropped and counted. */
function checkAgentFindings(results: readonly AgentResult[], view: Parameters<typeof verifyEvidence>[1], redactor: Redactor, dropped: DroppedFinding[]) {
  const agentFindings: Finding[] = [];
  const agentRuns = results.map((r): AgentRun => {
    const { kept, dropped: rejected } = verifyEvidence(r.findings, view, redactor);
    agentFindings.push(...kept);
    dropped.push(...rejected.map((d) => ({ title: `${d.title} (${r.name})`, reason: d.reason })));
    return {
      name: r.name,
      status: r.status,
      ...r.usage,
      findingsReported: r.findings.length,
      findingsKept: kept.length,
      rejectedLeads: r.rejectedLeads.map((l) => ({ fingerprint: l.fingerprint, reason: redactor.redact(l.reason) })),
      summary: r.summary ?? null,
      notes: [...r.notes, ...(rejected.length > 0 ? [`${rejected.length} finding(s) dropped: cited evidence did not match the file`] : [])],
    };
  });
  return { agentFindings, agentRuns };
}

/**
 * Records the skeptic's outcome on each finding. A disproved finding that only an agent claimed is
 * dropped with the reason; one a probe found stays — a model's word never removes a deterministic
 * finding — and shows the dispute.
 */
function applyVerifications(findings: Finding[], outcomes: ReadonlyMap<string, Verification>, dropped: DroppedFinding[]): Finding[] {
  return findings.flatMap((finding) => {
    const verification = outcomes.get(finding.fingerprint);
    if (!verification) return [finding];
    const probeFound = finding.sources.some((s) => s.kind === 'probe');
    if (verification.outcome === 'disproved' && !probeFound) {
      dropped.push({ title: finding.title, reason: `disproved by the skeptic pass (${verification.by}): ${verification.reason}` });
      return [];
    }
    return [{ ...finding, verification }];
  });
}

/** An agent that ran (fully or in part) audited its categories; one that failed counts as a failed check. */
function countAgentCoverage(coverage: Map<Category, { ran: number; notApplicable: number; errored: number }>, result: AgentResult): void {
  for (const category of roleOf(result.name).categories) {
    const entry = coverage.get(category) ?? { ran: 0, notApplicable: 0, errored: 0 };
    if (result.status === 'failed') entry.errored++;
    else entry.ran++;
    coverage.set(category, entry);
  }
}

function coverageByCategory(probes: readonly Probe[], outcomes: readonly ProbeOutcome[]): Map<Category, { ran: number; notApplicable: number; errored: number }> {
  const coverage = new Map<Category, { ran: number; notApplicable: number; errored: number }>();
  const outcomeOf = new Map(outcomes.map((o) => [o.id, o.status]));
  for (const probe of probes) {
    const entry = coverage.get(probe.meta.category) ?? { ran: 0, notApplicable: 0, errored: 0 };
    const status = outcomeOf.get(probe.meta.id);
    if (status === 'ran') entry.ran++;
    else if (status === 'not-applicable') entry.notApplicable++;
    else if (status === 'error') entry.errored++;
    coverage.set(probe.meta.category, entry);
  }
  return coverage;
}

