import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.js';
import { climbsOut } from './repo/sandbox.js';
import { isRunId } from './state/run-id.js';
import { renderConsoleSummary } from './report/console.js';
import { outputError, REPORT_FORMATS, writeReports, type ReportFormat } from './report/write.js';
import { gateBlocks, parseFailOn, type GatePolicy } from './verdict/gate.js';
import { DEFAULT_AGENT_BUDGET } from './llm/budget.js';
import { refusedKeyError } from './llm/refused-key.js';
import { DEFAULT_BUDGET_USD, DEFAULT_CONCURRENCY, DEFAULT_MODEL } from './llm/defaults.js';
import { AGENTS, type AgentName, type PhaseId } from './model/taxonomy.js';
import type { ProgressStream, ProgressView } from './report/progress.js';
import type { GateOptions } from './workflow/gate.js';
import type { AgentsOptions } from './agents/orchestrate.js';
import { VERSION } from './version.js';

export const EXIT = { ok: 0, blocked: 1, usage: 2, internal: 3 } as const;
/** An interrupted audit exits as the shell expects of a signal: 128 + its number (130 Ctrl-C, 143 SIGTERM). */
export const INTERRUPTED_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Signals that stop an audit gracefully: the first stops the agents and writes what is known. */
export interface InterruptWatch {
  readonly signal: AbortSignal;
  dispose(): void;
}

export interface CliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly cwd: string;
  /** Where ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Asks a person a yes/no question; present only when one is at a terminal. */
  readonly ask?: (question: string) => Promise<boolean>;
  /** The clock acceptances expire by. @default the system clock */
  readonly now?: () => Date;
  /** Starts listening for Ctrl-C and SIGTERM for the length of an audit; the abort reason names the signal. */
  readonly watchInterrupts?: () => InterruptWatch;
}

const HELP = `prod-audit ${VERSION} — is this application safe to launch to production?

Usage:
  prod-audit audit [path] [options]   audit a repository (default: the current folder)
  prod-audit accept FINGERPRINT --reason TEXT [--owner NAME] [--expires YYYY-MM-DD] [--out DIR] [path]
                                      accept a finding as a risk, in <path>/.prod-audit/accepted.json
  prod-audit mcp [--root PATH]        serve the repository tools and the audit over MCP (stdio)
  prod-audit --help | --version

Options:
  --context TEXT     the launch, in your words ("First public launch, ~5k MAU"); sets strictness
  --out DIR          where reports go (default: <path>/packages/docs/audits)
  --format LIST      report formats, comma-separated: md,json,sarif,html (default: all four)
  --fail-on LEVEL    when to exit 1: stop-ship (default), high, never; with --since, add ",pre-existing"
                     to let findings on unchanged lines block too (e.g. --fail-on high,pre-existing)
  --since REF        diff mode: findings on lines changed since REF (merge-base with HEAD) are new and can
                     block; the rest are pre-existing
  --quiet            no progress lines on stderr
  --json             machine-readable events on stdout, one JSON object per line, then the verdict
  --phase LIST       only these phases, e.g. 4,5 (3 code health, 4 data safety, 5 security, 6 performance,
                     7 observability, 8 operations); 1, 2 and 9 always run
  --focus LIST       paths, globs or topics (auth, billing, payments, migrations, webhooks, admin, uploads,
                     data, deploy); findings elsewhere are out of scope for the run
  --fail-fast        stop at the first stop-ship finding: cancel queued work and give the verdict now
  --dry-run          the plan and a cost estimate per agent (files, tokens, turns, USD), then exit 0: no model
                     call, no report; with or without ANTHROPIC_API_KEY (--json: the plan as one JSON object)

Agents (they run when ANTHROPIC_API_KEY is set; without it the audit is probes only):
  --offline          probes only, even with a key
  --model NAME       model for the agents (default: ${DEFAULT_MODEL})
  --base-url URL     any Messages-API-compatible endpoint (default: ANTHROPIC_BASE_URL or Anthropic's)
  --agents LIST      which agents run: system-explorer,code-auditor,security-auditor,reliability-auditor,ops-auditor
  --max-turns N      model turns per agent (default: ${DEFAULT_AGENT_BUDGET.maxTurns})
  --budget-usd N     spend cap for the whole audit in USD (default: ${DEFAULT_BUDGET_USD})
  --timeout SECONDS  wall time per agent (default: ${DEFAULT_AGENT_BUDGET.maxWallMs / 1000})
  --concurrency N    agents at once after the system explorer (default: ${DEFAULT_CONCURRENCY})
  --verify           skeptic pass: the owning agent tries to disprove each CRITICAL and HIGH finding
  --resume [RUN-ID]  continue an interrupted audit (the latest, or the one named): agents that finished
                     are not run again; the run's flags are reused unless given again
  --no-cache         run every agent even when a saved result is still valid (the result cache is
                     keyed by the agent's instructions, model, options and the content of what it read)
  --state-dir DIR    where checkpoints, the result cache and the lock live (default: <path>/.prod-audit)

Ctrl-C (or SIGTERM) stops the agents and writes a report marked INCOMPLETE, with the command that resumes it.

Exit codes: 0 ready or conditionally ready, 1 blocked by the gate, 2 usage or input error, 3 internal error,
130 interrupted by Ctrl-C (143 by SIGTERM): an INCOMPLETE report was written.
`;

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr.write(`prod-audit: ${error.message}. ${error.hint}\n`);
      return EXIT.usage;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`prod-audit: internal error — please report it with the text below.\n${detail}\n`);
    return EXIT.internal;
  }
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (command === 'audit') return audit(rest, io);
  if (command === 'accept') return accept(rest, io);
  if (command === 'mcp') return mcp(rest, io);
  throw new UserError(`Unknown command "${command}"`, 'Run "prod-audit --help" for the commands.');
}

async function audit(args: readonly string[], io: CliIO): Promise<number> {
  const resume = takeResume(args);
  let parsed = parseOptions(resume.args, io.env ?? {});
  if (parsed.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  let target = path.resolve(io.cwd, parsed.target);
  let stateDir = parsed.stateDir !== undefined ? path.resolve(io.cwd, parsed.stateDir) : undefined;
  let runToResume: string | undefined;
  if (resume.run !== undefined) {
    // The run's own flags first, then whatever was given again now: the later value wins.
    const { resolveTarget } = await import('./repo/collect.js');
    const { findRunToResume, STATE_DIR } = await import('./workflow/run-state.js');
    target = await resolveTarget(target);
    const run = await findRunToResume(stateDir ?? path.join(target, STATE_DIR), resume.run, target);
    parsed = parseOptions(resumeArgs(run.args, resume.args), io.env ?? {});
    stateDir = parsed.stateDir !== undefined ? path.resolve(io.cwd, parsed.stateDir) : stateDir;
    if (!parsed.agents) throw new UserError('--resume continues an audit with agents, and ANTHROPIC_API_KEY is not set (or --offline is given)', 'Set ANTHROPIC_API_KEY to resume; a probes-only audit has nothing to resume, just run it again.');
    runToResume = run.runId;
  }
  if (parsed.dryRun) {
    if (runToResume) throw new UserError('--dry-run estimates a whole audit, and --resume continues one', 'Drop one of them.');
    return dryRun(parsed, target, io);
  }
  // Loaded on demand: the engine pulls in the TypeScript parser, which --help and --version do not need.
  const { runAudit } = await import('./workflow/audit.js');
  const reportsDir = parsed.out ? path.resolve(io.cwd, parsed.out) : undefined;
  if (reportsDir) await checkOutDir(reportsDir);
  const view = await progressView(parsed, io);
  const interrupts = io.watchInterrupts?.();
  let result;
  let blocked: boolean;
  try {
    result = await runAudit({
      target,
      context: parsed.context,
      agents: parsed.agents,
      ...(parsed.phases ? { phases: parsed.phases } : {}),
      ...(parsed.focus ? { focus: parsed.focus } : {}),
      gate: gateOptions(parsed, io, view),
      ...(parsed.since !== undefined ? { since: parsed.since, gatePreExisting: parsed.failOn.preExisting } : {}),
      ...(reportsDir ? { reportsDir } : {}),
      ...(io.now ? { now: io.now } : {}),
      ...(interrupts ? { interrupt: interrupts.signal } : {}),
      state: { ...(stateDir ? { dir: stateDir } : {}), ...(runToResume ? { resume: runToResume } : {}), cache: !parsed.noCache, args: parsed.flagArgs },
      onEvent: (event) => view.onEvent(event),
    });
    const refused = refusedKeyError(result.report);
    if (refused) throw refused;
    const { verdict } = result.report;
    blocked = gateBlocks(result.report, parsed.failOn);
    view.onEvent({ type: 'verdict', rating: verdict.rating, readinessScore: verdict.readinessScore, stopShip: verdict.stopShip.length, blocked });
  } finally {
    view.close();
    interrupts?.dispose();
  }
  const { report, root, redactor } = result;
  const outDir = reportsDir ?? path.join(root, 'packages', 'docs', 'audits');
  const paths = await writeReports(report, outDir, parsed.formats, redactor);
  if (parsed.json) io.stdout.write(`${JSON.stringify({ type: 'reports', paths })}\n`);
  else io.stdout.write(redactor.redact(renderConsoleSummary(report, paths.map((p) => displayPath(io.cwd, p)))));
  if (report.incomplete) {
    const signal = String(interrupts?.signal.reason ?? '');
    const resumeHint = report.run ? ` Resume with: prod-audit audit ${shellWord(displayPath(io.cwd, root) || '.')} --resume ${report.run.id}` : '';
    io.stderr.write(`prod-audit: ${report.incomplete.reason}; the report is marked INCOMPLETE.${resumeHint}\n`);
    return INTERRUPTED_EXIT[signal] ?? 130;
  }
  return blocked ? EXIT.blocked : EXIT.ok;
}

/** --dry-run: phases 1–2 and the probes for real, then what each agent would read and cost; nothing is sent or written. */
async function dryRun(parsed: AuditArgs, target: string, io: CliIO): Promise<number> {
  const { runDryRun } = await import('./workflow/dry-run.js');
  const { renderDryRun } = await import('./report/dry-run-text.js');
  const probesOnlyBecause = parsed.offline ? '--offline is given' : !parsed.agents?.llm.apiKey ? 'ANTHROPIC_API_KEY is not set' : undefined;
  const plan = await runDryRun({
    target,
    context: parsed.context,
    ...(parsed.agents ? { agents: parsed.agents } : {}),
    ...(parsed.phases ? { phases: parsed.phases } : {}),
    ...(parsed.focus ? { focus: parsed.focus } : {}),
    ...(parsed.since !== undefined ? { since: parsed.since } : {}),
    ...(probesOnlyBecause ? { probesOnlyBecause } : {}),
    ...(parsed.noCache ? { stateDir: false as const } : parsed.stateDir !== undefined ? { stateDir: path.resolve(io.cwd, parsed.stateDir) } : {}),
  });
  io.stdout.write(parsed.json ? `${JSON.stringify(plan)}\n` : renderDryRun(plan));
  return EXIT.ok;
}

/**
 * `--resume` takes an optional run id, which node's parser cannot say: a following word that looks
 * like a run id is taken as one; anything else (a path, another flag, nothing) leaves it bare.
 */
function takeResume(args: readonly string[]): { args: string[]; run: string | true | undefined } {
  const rest: string[] = [];
  let run: string | true | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--resume=')) run = arg.slice('--resume='.length) || true;
    else if (arg === '--resume') {
      const next = args[i + 1];
      if (next !== undefined && isRunId(next)) {
        run = next;
        i++;
      } else run = true;
    } else rest.push(arg);
  }
  return { args: rest, run };
}

/** A path as one shell word: bare when it is plainly safe, single-quoted otherwise. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The gate's mode: --fail-fast stops at once; a person at a terminal is asked; anything else (CI,
 * --json, --quiet) records the stop-ship finding and lets --fail-on decide the exit code.
 */
function gateOptions(parsed: AuditArgs, io: CliIO, view: ProgressView): GateOptions {
  if (parsed.failFast) return { mode: 'fail-fast' };
  const ask = io.ask;
  if (!ask || parsed.json || parsed.quiet) return { mode: 'report-only' };
  // The live view steps aside while the question is on the terminal.
  return {
    mode: 'interactive',
    ask: async (question) => {
      view.pause();
      try {
        return await ask(question);
      } finally {
        view.resume();
      }
    },
  };
}

/** Events as a live TTY view or plain timestamped lines on stderr, JSON lines on stdout, or nothing. */
async function progressView(parsed: AuditArgs, io: CliIO): Promise<ProgressView> {
  const { createProgressView, progressModeFor } = await import('./report/progress.js');
  const stderr = io.stderr as ProgressStream;
  const mode = progressModeFor({ json: parsed.json, quiet: parsed.quiet, isTTY: Boolean(stderr.isTTY), env: io.env ?? {} });
  return createProgressView({ mode, stream: mode === 'json' ? (io.stdout as ProgressStream) : stderr, env: io.env ?? {} });
}

/** --out must be a folder or not exist yet: a file on its way is an error now, not after the audit. */
async function checkOutDir(dir: string): Promise<void> {
  const { stat } = await import('node:fs/promises');
  for (let at = dir; ; at = path.dirname(at)) {
    const found = await stat(at).catch(() => undefined);
    if (found && !found.isDirectory()) throw outputError(dir, Object.assign(new Error('not a folder'), { code: at === dir ? 'EEXIST' : 'ENOTDIR' }));
    if (found || at === path.dirname(at)) return;
  }
}

/** Relative to where the user stands when that is shorter and stays below it; absolute otherwise. */
function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return climbsOut(relative) ? file : relative;
}

async function accept(args: readonly string[], io: CliIO): Promise<number> {
  const usage = 'Usage: prod-audit accept FINGERPRINT --reason TEXT [--owner NAME] [--expires YYYY-MM-DD] [--out DIR] [path]';
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { reason: { type: 'string' }, owner: { type: 'string' }, expires: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (error) {
    throw new UserError((error as Error).message.split('\n')[0]!, usage);
  }
  if (values.help) {
    io.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [fingerprint, target = '.', ...extra] = positionals;
  if (fingerprint === undefined || extra.length > 0) throw new UserError(`Expected a fingerprint and at most one path, got ${positionals.length} argument(s)`, usage);
  if (values.reason === undefined) throw new UserError('Expected --reason: why this risk is acceptable', 'For example --reason "Admin route is only reachable over the VPN".');
  const { acceptFinding } = await import('./workflow/accept.js');
  const outcome = await acceptFinding({
    target: path.resolve(io.cwd, target),
    fingerprint,
    reason: values.reason,
    ...(values.owner !== undefined ? { owner: values.owner } : {}),
    ...(values.expires !== undefined ? { expires: values.expires } : {}),
    ...(values.out !== undefined ? { reportsDir: path.resolve(io.cwd, values.out) } : {}),
    now: io.now?.() ?? new Date(),
  });
  const a = outcome.acceptance;
  io.stdout.write(`${outcome.replaced ? 'Updated' : 'Accepted'} ${a.fingerprint} (${a.title}) as a risk owned by ${a.owner}, ${a.expires ? `until ${a.expires}` : 'with no expiry'}: ${displayPath(io.cwd, outcome.file)}\n`);
  return EXIT.ok;
}

async function mcp(args: readonly string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: { root: { type: 'string', default: '.' } } }));
  } catch (error) {
    throw new UserError((error as Error).message.split('\n')[0]!, 'Usage: prod-audit mcp [--root PATH]');
  }
  const { resolveTarget } = await import('./repo/collect.js');
  const root = await resolveTarget(path.resolve(io.cwd, values.root));
  const { serveStdio } = await import('./mcp/stdio.js');
  await serveStdio(root);
  return EXIT.ok;
}

interface AuditArgs {
  target: string;
  context: string | undefined;
  out: string | undefined;
  formats: ReportFormat[];
  failOn: GatePolicy;
  since: string | undefined;
  quiet: boolean;
  help: boolean;
  agents: AgentsOptions | undefined;
  json: boolean;
  failFast: boolean;
  dryRun: boolean;
  offline: boolean;
  phases: PhaseId[] | undefined;
  focus: string[] | undefined;
  noCache: boolean;
  stateDir: string | undefined;
  /** The flags as given, without the path: what a resume repeats. */
  flagArgs: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Agents run when a key is set and --offline is not; every numeric flag is checked against a sane range. */
function agentsOptions(values: Record<string, string | boolean | undefined>, env: Env): AgentsOptions | undefined {
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  const agentFlags = ['model', 'base-url', 'agents', 'max-turns', 'budget-usd', 'timeout', 'concurrency', 'verify'].filter((f) => values[f] !== undefined && values[f] !== false);
  // A dry run estimates the agents with or without a key: their options are read either way.
  if ((values.offline || !apiKey) && values['dry-run'] !== true) {
    if (!values.offline && agentFlags.length > 0) {
      throw new UserError(`--${agentFlags[0]} needs the agents, and ANTHROPIC_API_KEY is not set`, 'Set ANTHROPIC_API_KEY, or drop the agent flags for a probes-only audit.');
    }
    return undefined;
  }
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const agents = text('agents')?.split(',').map((a) => a.trim()).filter(Boolean);
  const unknown = agents?.filter((a) => !(AGENTS as readonly string[]).includes(a)) ?? [];
  if (unknown.length > 0 || agents?.length === 0) throw new UserError(`Expected --agents to list ${AGENTS.join(', ')}, got "${text('agents')}"`, 'Name one or more agents, comma-separated.');
  const baseURL = text('base-url') ?? (env.ANTHROPIC_BASE_URL?.trim() || undefined);
  if (baseURL !== undefined && !/^https?:\/\/[^\s]+$/.test(baseURL)) throw new UserError(`Expected --base-url to be an http(s) URL, got "${baseURL}"`, 'For example --base-url http://127.0.0.1:8080');
  const maxTurns = numberFlag(text('max-turns'), 'max-turns', 1, 500, true);
  const timeout = numberFlag(text('timeout'), 'timeout', 1, 24 * 3600, false);
  return {
    llm: { apiKey: apiKey ?? '', ...(baseURL ? { baseURL } : {}), model: text('model') ?? DEFAULT_MODEL },
    budget: { ...(maxTurns !== undefined ? { maxTurns } : {}), ...(timeout !== undefined ? { maxWallMs: timeout * 1000 } : {}) },
    maxUsd: numberFlag(text('budget-usd'), 'budget-usd', 0.01, 10_000, false) ?? DEFAULT_BUDGET_USD,
    concurrency: numberFlag(text('concurrency'), 'concurrency', 1, 16, true) ?? DEFAULT_CONCURRENCY,
    ...(agents ? { agents: agents as AgentName[] } : {}),
    verify: values.verify === true,
  };
}

/** --phase 4,5: the parallel phases to run; 1, 2 and 9 frame every audit and always run. */
function parsePhases(raw: string | undefined): PhaseId[] | undefined {
  if (raw === undefined) return undefined;
  const phases = raw.split(',').map((p) => p.trim());
  if (phases.length === 0 || phases.some((p) => !/^[3-8]$/.test(p))) {
    throw new UserError(`Expected --phase to list phases from 3 to 8, got "${raw}"`, 'For example --phase 4,5 (data safety and security).');
  }
  return [...new Set(phases.map(Number))].sort() as PhaseId[];
}

function numberFlag(raw: string | undefined, name: string, min: number, max: number, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  // Decimal only: Number() would also take "0x10", "1e3" and " ".
  const value = /^\d+(?:\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UserError(`Expected --${name} to be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`, `Use for example --${name} ${integer ? min + 1 : max > 100 ? 60 : 1}.`);
  }
  return value;
}

const AUDIT_OPTIONS = {
  context: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string', default: REPORT_FORMATS.join(',') },
  'fail-on': { type: 'string', default: 'stop-ship' },
  since: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  phase: { type: 'string' },
  'fail-fast': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  offline: { type: 'boolean', default: false },
  model: { type: 'string' },
  'base-url': { type: 'string' },
  agents: { type: 'string' },
  focus: { type: 'string' },
  'max-turns': { type: 'string' },
  'budget-usd': { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  verify: { type: 'boolean', default: false },
  'no-cache': { type: 'boolean', default: false },
  'state-dir': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/**
 * A resume repeats the run's flags; those given again now replace theirs (given twice in one command
 * line, an option is an error, so the two lists are merged here rather than concatenated).
 */
function resumeArgs(stored: readonly string[], given: readonly string[]): string[] {
  const tokensOf = (args: readonly string[]) => parseArgs({ args: [...args], allowPositionals: true, tokens: true, strict: false, options: AUDIT_OPTIONS }).tokens;
  const givenNames = new Set(tokensOf(given).flatMap((t) => (t.kind === 'option' ? [t.name] : [])));
  const kept = tokensOf(stored).flatMap((t) => (t.kind === 'option' && !givenNames.has(t.name) ? [t.value === undefined ? `--${t.name}` : `--${t.name}=${t.value}`] : []));
  return [...kept, ...given];
}

function parseOptions(args: readonly string[], env: Env): AuditArgs {
  let values;
  let positionals;
  let tokens;
  try {
    ({ values, positionals, tokens } = parseArgs({
      args: [...args],
      allowPositionals: true,
      tokens: true,
      options: AUDIT_OPTIONS,
    }));
  } catch (error) {
    throw new UserError((error as Error).message.split('\n')[0]!, 'Run "prod-audit audit --help" for the options.');
  }
  const repeated = tokens.find((t, i) => t.kind === 'option' && t.value !== undefined && tokens.findIndex((u) => u.kind === 'option' && u.name === t.name) !== i);
  if (repeated?.kind === 'option') {
    throw new UserError(`--${repeated.name} was given more than once`, 'Give each option once; lists are comma-separated (--format md,json).');
  }
  if (positionals.length > 1) {
    throw new UserError(`Expected one path to audit, got ${positionals.length}: ${positionals.join(' ')}`, 'Audit one repository at a time.');
  }
  const formats = values.format.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || formats.length === 0) {
    throw new UserError(`Expected --format to list ${REPORT_FORMATS.join(', ')}, got "${values.format}"`, 'Use for example --format md,sarif.');
  }
  const failOn = parseFailOn(values['fail-on']);
  if (!failOn) {
    throw new UserError(`Expected --fail-on to be one of stop-ship, high, never, got "${values['fail-on']}"`, 'Use --fail-on stop-ship, high or never; with --since, add ",pre-existing" (e.g. high,pre-existing).');
  }
  if (failOn.preExisting && values.since === undefined) {
    throw new UserError('--fail-on …,pre-existing only means something with --since', 'Add --since REF, or drop ",pre-existing".');
  }
  if (values.context !== undefined && values.context.length > 2000) {
    throw new UserError(`Expected --context of at most 2000 characters, got ${values.context.length}`, 'Describe the launch in a sentence or two.');
  }
  return {
    noCache: values['no-cache'],
    stateDir: values['state-dir'],
    flagArgs: flagArgsOf(args, tokens),
    agents: agentsOptions(values, env),
    json: values.json,
    failFast: values['fail-fast'],
    dryRun: values['dry-run'],
    offline: values.offline,
    phases: parsePhases(values.phase),
    focus: values.focus?.split(',').map((f) => f.trim()).filter(Boolean),
    target: positionals[0] ?? '.',
    context: values.context,
    out: values.out,
    formats: [...new Set(formats)] as ReportFormat[],
    failOn,
    since: values.since,
    quiet: values.quiet,
    help: values.help,
  };
}

/** The arguments minus the positional path (a resume names the path itself). */
function flagArgsOf(args: readonly string[], tokens: readonly { kind: string; index: number }[]): string[] {
  const positional = new Set(tokens.filter((t) => t.kind === 'positional').map((t) => t.index));
  return args.filter((_, i) => !positional.has(i));
}
