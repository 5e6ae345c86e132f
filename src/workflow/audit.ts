import path from 'node:path';
import type { AuditReport } from '../model/report.js';
import { SCHEMA_VERSION } from '../model/report.js';
import type { Category } from '../model/taxonomy.js';
import { collectRepo, type CollectOptions } from '../repo/collect.js';
import { redactorFor } from '../repo/redactor.js';
import type { Redactor } from '../repo/secrets.js';
import { PROBES } from '../probes/registry.js';
import { runProbes, type ProbeOutcome } from '../probes/run.js';
import type { Probe } from '../probes/types.js';
import { judge, mergeFindings, verifyEvidence, type CategoryCoverage } from '../verdict/index.js';
import { VERSION } from '../version.js';
import { parseLaunchContext } from './launch-context.js';

export interface AuditOptions extends CollectOptions {
  readonly target: string;
  readonly context?: string;
  readonly probes?: readonly Probe[];
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

/** repo → probes → verify → merge → score → verdict. Offline: the probes are the whole audit. */
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

  const { kept, dropped } = verifyEvidence(run.findings, view, redactor);
  const findings = mergeFindings(kept);
  const result = judge({ findings, context, coverage: coverageByCategory(probes, run.outcomes) });
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
      mode: 'probes-only',
      filesAudited: view.files.length,
      bytesAudited: view.totalBytes,
      skipped: [...view.skipped],
      probes: run.outcomes,
      droppedFindings: dropped,
    },
  };
  return { report, root: view.root, redactor };
}

function coverageByCategory(probes: readonly Probe[], outcomes: readonly ProbeOutcome[]): Map<Category, CategoryCoverage> {
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
