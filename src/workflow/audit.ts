import path from 'node:path';
import { openSession, runInParallel, runRole, selectRoles, type AgentsOptions } from '../agents/orchestrate.js';
import { roleOf } from '../agents/roster.js';
import type { AgentResult } from '../agents/runtime.js';
import { skepticPass } from '../agents/verify.js';
import { DEFAULT_MODEL } from '../llm/defaults.js';
import type { LaunchContext } from '../model/context.js';
import type { SystemMap } from '../model/system-map.js';
import type { Finding, Verification } from '../model/finding.js';
import type { AgentRun, AuditReport } from '../model/report.js';
import { SCHEMA_VERSION } from '../model/report.js';
import type { Category, PhaseId } from '../model/taxonomy.js';
import { ProbeContext } from '../probes/context.js';
import { PROBES } from '../probes/registry.js';
import { runProbePass } from '../probes/pass.js';
import type { ProbeOutcome } from '../probes/run.js';
import type { Probe } from '../probes/types.js';
import { readAcceptedFile } from '../repo/accepted-file.js';
import { collectRepo, type CollectOptions } from '../repo/collect.js';
import { readChangeSet, restrictTo, type ChangeSet } from '../repo/diff.js';
import { redactorFor } from '../repo/redactor.js';
import { climbsOut } from '../repo/sandbox.js';
import type { Redactor } from '../repo/secrets.js';
import type { RepoView } from '../repo/view.js';
import { launchClassOf } from '../verdict/classify.js';
import { judge, mergeFindings, verifyEvidence, type DroppedFinding } from '../verdict/index.js';
import { compareWithPrevious } from '../verdict/trends.js';
import { VERSION } from '../version.js';
import type { AuditEvent, EventSink } from './events.js';
import { assignmentScope, resolveFocus, type ResolvedFocus } from './focus.js';
import { StopShipGate, type GateOptions } from './gate.js';
import { parseLaunchContext } from './launch-context.js';
import { findPreviousReport } from './history.js';
import { PhaseMachine } from './phases.js';
import { RunState, type RunStateOptions } from './run-state.js';
import { Standing } from './standing.js';
import { buildSystemMap } from './system-map.js';
import { detectSystemType, PRIORITY } from './system-type.js';

export interface AuditOptions extends CollectOptions {
  readonly target: string;
  readonly context?: string;
  readonly probes?: readonly Probe[];
  /** With these, the specialist agents investigate after the probes; without, the run is probes only. */
  readonly agents?: AgentsOptions;
  /** Only these phases (targeted audit); the others are skipped and say so. */
  readonly phases?: readonly PhaseId[];
  /** Paths, globs or topics; findings outside them are out of scope for this run. */
  readonly focus?: readonly string[];
  /** What a confirmed stop-ship finding does. @default report-only */
  readonly gate?: GateOptions;
  readonly onEvent?: EventSink;
  readonly now?: () => Date;
  /** Diff mode: a git ref; findings citing lines changed since it are new, the rest pre-existing. */
  readonly since?: string;
  /** In diff mode, let pre-existing stop-ship findings reach the gate too. @default false */
  readonly gatePreExisting?: boolean;
  /** Where earlier JSON reports are, for trends. @default <root>/packages/docs/audits */
  readonly reportsDir?: string;
  /**
   * Checkpoints, resume and the result cache, for audits with agents (probes alone are cheap to
   * repeat). false turns all three off. @default on, under <root>/.prod-audit
   */
  readonly state?: RunStateOptions | false;
  /** An interrupt (Ctrl-C, SIGTERM): agents stop, and the report says INCOMPLETE. Its reason names the signal. */
  readonly interrupt?: AbortSignal;
}

export interface AuditResult {
  readonly report: AuditReport;
  /** The audited root, resolved to a real path. */
  readonly root: string;
  /** Every text leaving the process about this target must pass through this. */
  readonly redactor: Redactor;
}

const PARALLEL_PHASES: readonly PhaseId[] = [3, 4, 5, 6, 7, 8];

/**
 * The nine phases: 1 launch context, 2 system map (and the system explorer), 3–8 probes and the four
 * specialist agents in parallel under the stop-ship gate, 9 verify, merge, score and verdict.
 */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const now = options.now ?? (() => new Date());
  const sink: EventSink = options.onEvent ?? (() => {});
  const startedAt = now().toISOString();

  // Collect first: a wrong target is reported before anything else is printed.
  const view = await collectRepo(options.target, { ...options, exclude: [...(options.exclude ?? []), ...ownReports(options)] });
  // Then the inputs a person wrote or named: a bad ref or a broken accepted.json stops here, before any work.
  const changes = options.since !== undefined ? restrictTo(await readChangeSet(view.root, options.since), new Set(view.files.map((f) => f.path))) : undefined;
  const standing = new Standing(changes, await readAcceptedFile(view.root), now());
  const redactor = redactorFor(view);
  // Events carry titles and paths, which come from the target too: they leave redacted like everything else.
  const emit: EventSink = (event) => sink(JSON.parse(redactor.redact(JSON.stringify(event))) as AuditEvent);
  // --focus is read against the map; a focus that matches nothing is the user's to fix, so both come
  // before any progress is shown or any state is written.
  const map = buildSystemMap(new ProbeContext(view));
  const focus = options.focus && options.focus.length > 0 ? resolveFocus(options.focus, view, map) : undefined;
  const state = options.agents && options.state !== false ? await RunState.open(view, redactor, options.state ?? {}, now(), emit) : undefined;
  if (options.agents && options.state !== false && !state) emit({ type: 'error', message: 'checkpoints and the result cache are off: the state folder cannot be written' });
  try {
    const result = await phases(options, { view, changes, standing, redactor, map, focus, state }, now, emit, startedAt);
    await state?.close(result.report.incomplete ? 'interrupted' : 'complete', result.report.incomplete?.reason);
    return result;
  } catch (error) {
    // The manifest still says running: a resume picks up from the last checkpoint.
    await state?.abandon();
    throw error;
  }
}

/** What is read and decided before the phases start: the snapshot and everything the user's flags named. */
interface Prepared {
  readonly view: RepoView;
  readonly changes: ChangeSet | undefined;
  readonly standing: Standing;
  readonly redactor: Redactor;
  readonly map: SystemMap;
  readonly focus: ResolvedFocus | undefined;
  readonly state: RunState | undefined;
}

async function phases(options: AuditOptions, prepared: Prepared, now: () => Date, emit: EventSink, startedAt: string): Promise<AuditResult> {
  const { view, changes, standing, redactor, map, focus, state } = prepared;
  const wanted = (phase: PhaseId): boolean => !options.phases || options.phases.includes(phase);
  const interruptedBy = (): string | undefined => (options.interrupt?.aborted ? String(options.interrupt.reason ?? 'an interrupt') : undefined);
  const machine = new PhaseMachine(emit);

  machine.start(1);
  const context = parseLaunchContext(options.context);
  await state?.savePhase('1-context', context);
  machine.finish(1, `strictness ${context.strictness}`);

  machine.start(2);
  const systemType = detectSystemType(map, options.context);
  await state?.savePhase('2-system-map', { systemType, map });
  const agentsOptions = options.agents && { ...options.agents, ...assignmentScope(focus, changes) };
  const gates = (finding: Finding): boolean => standing.gates(finding, options.gatePreExisting ?? false);
  const session = agentsOptions ? await openSession(view, map, redactor, agentsOptions) : undefined;
  // Offline there is nothing left to spend after the probes, so there is nothing to ask about.
  const gateMode = options.gate?.mode === 'interactive' && !session ? 'report-only' : (options.gate?.mode ?? 'report-only');
  const gate = new StopShipGate({ ...options.gate, mode: gateMode }, emit);
  try {
    const roles = agentsOptions ? selectRoles(agentsOptions, options.phases) : { explorer: undefined, specialists: [] };
    const stopReason = (): string => (interruptedBy() ? `by an interrupt (${interruptedBy()})` : 'by the stop-ship gate');
    const explorerStop = new AbortController();
    const stopExplorer = (): void => explorerStop.abort(stopReason());
    options.interrupt?.addEventListener('abort', stopExplorer, { once: true });
    if (options.interrupt?.aborted) stopExplorer();
    const explorer = session && roles.explorer ? await runRole(session, roles.explorer, [], agentsOptions!, { onEvent: emit, signal: explorerStop.signal, saved: state }) : undefined;
    options.interrupt?.removeEventListener('abort', stopExplorer);
    machine.finish(2, `${map.routes.length} routes, ${map.externalServices.length} external services`);

    const parallel = PARALLEL_PHASES.filter(wanted);
    for (const phase of PARALLEL_PHASES.filter((p) => !wanted(p))) machine.skip(phase, 'not requested (--phase)');
    machine.start(...parallel);

    const selectedProbes = (options.probes ?? PROBES).filter((probe) => wanted(probe.meta.phase));
    const saved = await state?.savedProbeRun();
    const run = saved ?? (await runProbePass(view, selectedProbes, redactor));
    if (!saved) await state?.saveProbeRun(run);
    const dropped: DroppedFinding[] = [];
    const probeFindings = inScope(verifyEvidence(run.findings, view, redactor), focus, dropped);
    const coverage = coverageByCategory(selectedProbes, run.outcomes);
    await arrive(probeFindings, 'probe', context, machine, gate, emit, gates);

    const agentRuns: AgentRun[] = explorer ? [toAgentRun(explorer, explorer.findings.length, [])] : [];
    const agentFindings: Finding[] = [];
    if (session && roles.specialists.length > 0) {
      const cancel = new AbortController();
      const stop = (): void => cancel.abort(stopReason());
      options.interrupt?.addEventListener('abort', stop, { once: true });
      if (gate.stopped || options.interrupt?.aborted) stop();
      const results = await runInParallel(session, roles.specialists, probeFindings, agentsOptions!, {
        onEvent: emit,
        signal: cancel.signal,
        saved: state,
        onResult: async (result) => {
          const checked = verifyEvidence(result.findings, view, redactor);
          const kept = inScope(checked, focus, dropped);
          dropped.push(...checked.dropped.map((d) => ({ title: `${d.title} (${result.name})`, reason: d.reason })));
          agentFindings.push(...kept);
          agentRuns.push(toAgentRun(result, kept.length, checked.dropped));
          if ((await arrive(kept, result.name, context, machine, gate, emit, gates)) === 'stop') stop();
        },
      }, explorer?.summary);
      options.interrupt?.removeEventListener('abort', stop);
      for (const result of results) countAgentCoverage(coverage, result, interruptedBy() !== undefined);
    }
    const interrupted = interruptedBy();
    const stoppedNote = interrupted ? `interrupted (${interrupted})` : gate.stopped ? `stopped by the stop-ship gate in phase ${gate.trigger!.phase}` : undefined;
    for (const phase of parallel) machine.finish(phase, stoppedNote);

    machine.start(9);
    let findings = mergeFindings([...probeFindings, ...agentFindings]);
    if (session && agentsOptions?.verify && !gate.stopped && !interrupted) findings = applyVerifications(findings, await skepticPass(session, findings), dropped);
    const result = judge({ findings, context, coverage, accepted: standing.acceptedAmong(findings) });
    const classified = standing.annotate(result.findings);
    await state?.savePhase('9-verdict', { verdict: result.verdict, scores: result.scores });
    machine.finish(9, interrupted ? `${result.verdict.rating}, INCOMPLETE` : result.verdict.rating);
    const previous = await findPreviousReport(options.reportsDir ?? path.join(view.root, 'packages', 'docs', 'audits'), {
      name: path.basename(view.root),
      phases: options.phases ? [...options.phases] : null,
      focus: focus ? [...focus.terms] : null,
    }, startedAt);
    const mode = session ? 'agents' : 'probes-only';

    const report: AuditReport = {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'prod-audit', version: VERSION },
      target: { name: path.basename(view.root), git: view.git },
      startedAt,
      finishedAt: now().toISOString(),
      context,
      verdict: result.verdict,
      scores: result.scores,
      findings: classified,
      plan: result.plan,
      systemMap: map,
      workflow: {
        systemType: { ...systemType, priority: [...PRIORITY[systemType.type]] },
        phases: machine.summary(),
        phasesRequested: options.phases ? [...options.phases] : null,
        focus: focus ? { terms: [...focus.terms], files: focus.files.size } : null,
        gate: gate.trigger ?? null,
      },
      coverage: {
        mode,
        filesAudited: view.files.length,
        bytesAudited: view.totalBytes,
        skipped: [...view.skipped],
        probes: run.outcomes,
        droppedFindings: dropped,
        agents: sortRuns(agentRuns),
        model: agentsOptions ? (agentsOptions.llm.model ?? DEFAULT_MODEL) : null,
        costUsd: session?.cost.spentUsd ?? 0,
      },
      changes: standing.changeScope(classified),
      acceptedRisks: standing.acceptedRisks(classified),
      trends: previous ? compareWithPrevious({ findings: classified, readinessScore: result.verdict.readinessScore, mode }, previous.report, previous.file) : null,
      // Paths relative to the root: a report is shared, and where the checkout sits is nobody's business.
      run: state ? { id: state.runId, checkpoints: path.relative(view.root, state.runDir).split(path.sep).join('/'), resumed: state.resumed } : null,
      incomplete: interrupted ? { reason: `interrupted by ${interrupted}`, resume: state ? `prod-audit audit . --resume ${state.runId}` : null } : null,
    };
    return { report, root: view.root, redactor };
  } finally {
    await session?.close();
  }
}

/** Reports written inside the audited tree (--out audits) are ours, not the application's: never audited. */
function ownReports(options: AuditOptions): string[] {
  if (!options.reportsDir) return [];
  const inside = path.relative(path.resolve(options.target), path.resolve(options.reportsDir));
  return inside && !climbsOut(inside) ? [`/${inside.split(path.sep).join('/')}/`] : [];
}

/**
 * Findings arriving from a probe pass or an agent: each is announced, counted against its phase,
 * and the stop-ship ones go to the gate.
 */
async function arrive(findings: readonly Finding[], source: string, context: LaunchContext, machine: PhaseMachine, gate: StopShipGate, emit: EventSink, gates: (f: Finding) => boolean): Promise<'continue' | 'stop'> {
  const stopShip: Finding[] = [];
  for (const finding of findings) {
    const isStopShip = launchClassOf(finding, context.strictness) === 'stop-ship';
    // Accepted risks, and in diff mode pre-existing findings, are reported but do not stop the run.
    if (isStopShip && gates(finding)) stopShip.push(finding);
    machine.countFinding(finding.phase);
    const e = finding.evidence[0]!;
    emit({ type: 'finding', phase: finding.phase, severity: finding.severity, title: finding.title, location: `${e.file}:${e.startLine}`, stopShip: isStopShip, source });
  }
  const phase = stopShip.reduce<PhaseId>((lowest, f) => (f.phase < lowest ? f.phase : lowest), 9);
  return gate.check(phase, stopShip);
}

/** Keeps verified findings inside the focus; the rest are recorded as out of scope, not silently lost. */
function inScope(checked: { kept: Finding[]; dropped: DroppedFinding[] }, focus: ResolvedFocus | undefined, dropped: DroppedFinding[]): Finding[] {
  dropped.push(...checked.dropped);
  if (!focus) return checked.kept;
  return checked.kept.filter((finding) => {
    const inside = finding.evidence.some((e) => focus.files.has(e.file));
    if (!inside) dropped.push({ title: finding.title, reason: `outside the focus (${focus.terms.join(', ')})` });
    return inside;
  });
}

function toAgentRun(r: AgentResult, kept: number, rejected: readonly DroppedFinding[]): AgentRun {
  return {
    name: r.name,
    status: r.status,
    ...r.usage,
    findingsReported: r.findings.length,
    findingsKept: kept,
    rejectedLeads: r.rejectedLeads,
    summary: r.summary ?? null,
    notes: [...r.notes, ...(rejected.length > 0 ? [`${rejected.length} finding(s) dropped: cited evidence did not match the file`] : [])],
    apiStatus: r.apiStatus,
    reusedFrom: r.reused?.from ?? null,
    savedUsd: r.reused?.savedUsd ?? 0,
  };
}

const ORDER = ['system-explorer', 'code-auditor', 'security-auditor', 'reliability-auditor', 'ops-auditor'];
function sortRuns(runs: AgentRun[]): AgentRun[] {
  return [...runs].sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
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

type Coverage = Map<Category, { ran: number; notApplicable: number; errored: number }>;

/**
 * An agent that ran (fully, or until a budget stopped it) audited its categories; one that failed,
 * never started, or was cut short by an interrupt did not.
 */
function countAgentCoverage(coverage: Coverage, result: AgentResult, interrupted: boolean): void {
  for (const category of roleOf(result.name).categories) {
    const entry = coverage.get(category) ?? { ran: 0, notApplicable: 0, errored: 0 };
    if (result.status === 'failed' || result.status === 'cancelled' || (interrupted && result.status === 'partial')) entry.errored++;
    else entry.ran++;
    coverage.set(category, entry);
  }
}

function coverageByCategory(probes: readonly Probe[], outcomes: readonly ProbeOutcome[]): Coverage {
  const coverage: Coverage = new Map();
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

