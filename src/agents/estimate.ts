import type { AgentBudget } from '../llm/budget.js';
import { estimateTokens } from '../llm/budget.js';
import { costUsd } from '../llm/pricing.js';
import type { SystemMap } from '../model/system-map.js';
import type { AgentName } from '../model/taxonomy.js';

/**
 * What an audit's agents would cost, before any of them runs.
 *
 * The model. Each agent's conversation is replayed on paper, turn by turn, with the sizes the real
 * run would send:
 *
 * - **P, the per-turn prefix**: the system blocks, the tool definitions and the first user message
 *   (the assignment with its probe leads), built by the same functions the runtime uses and measured
 *   with the same rule as the budget meter: four characters a token of the request's JSON.
 * - **The reading plan**: the files the agent is expected to read — those its probe leads cite, then
 *   the files of the system map relevant to its role (see {@link planReading}) — within a per-agent
 *   read budget ({@link READ_BUDGET}). R is the tokens of those files as `read_file` returns them
 *   (numbered lines, redacted), plus the JSON around each tool result.
 * - **Turns**: one per file read (the explorer first calls `system_map`), one per lead confirmed or
 *   rejected, one to finish.
 * - **Input**: the tool runner sends the whole conversation every turn (`thread: false`), so turn t
 *   costs P plus every earlier reply and tool result: input ≈ Σₜ (P + what was read so far + the
 *   previous replies). That sum grows with the square of the turns, which is why reading a large
 *   file early costs more than its own size.
 * - **Output**: a per-turn constant for a tool call, and a larger one for each finding report, each
 *   rejection and the closing summary ({@link OUTPUT_TOKENS}); calibrated on the JSON of those calls.
 * - **Limits**: the agent's own limits are applied the way the meter applies them before each turn
 *   (turns, input tokens, output tokens), so a plan that would be cut short is estimated cut short
 *   and says which limit bites. The audit-wide USD cap is compared with the total, not applied:
 *   agents run in parallel, and which one the cap stops depends on timing.
 * - **USD**: with prompt caching — the stable prefix (tool definitions and system blocks, which the
 *   API caches in that order up to the marked block) is written to the cache on the first turn at
 *   1.25× the input price and read from it on every later turn at 0.1×; the rest is plain input.
 *
 * Everything here is pure: the dry-run workflow measures the prompts and the files, this adds up.
 */

/** Output tokens per kind of turn: the JSON of the tool call (four characters a token) and a short preamble. */
export const OUTPUT_TOKENS = {
  /** A `read_file`, `search` or `system_map` call: ~100 characters of tool_use JSON, plus a sentence. */
  toolCall: 40,
  /** A `report_finding`: title, quoted evidence, description, impact and recommendation, ~1,800 characters. */
  finding: 450,
  /** A `reject_lead` with a reason citing file:line, ~400 characters. */
  rejection: 110,
  /** `finish` with a 3–6 sentence summary, ~700 characters. */
  finish: 180,
} as const;

/** The characters around a turn's reply and tool result in the re-sent conversation (role, ids, block types). */
export const ENVELOPE_CHARS = {
  /** `{"role":"assistant","content":[…]}` and the comma before it. */
  reply: 36,
  /** `{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_…","content":[{"type":"text","text":…}]}]}`. */
  toolResult: 110,
} as const;

/** What a ledger tool answers (`Recorded 3f9c…. Its evidence will be checked against the file.`), in characters. */
export const LEDGER_RESULT_CHARS = 75;

/** The system explorer's closing notes, which every specialist gets in its system prompt, in characters. */
export const EXPLORER_NOTES_CHARS = 700;

/** How much one agent is expected to read: at most this many files and characters. */
export const READ_BUDGET = { files: 12, chars: 120_000 } as const;

/** One turn the agent is expected to take. */
export type PlannedTurn =
  | { readonly kind: 'read'; readonly file: string; readonly bytes: number; readonly resultChars: number }
  | { readonly kind: 'map'; readonly resultChars: number }
  | { readonly kind: 'lead'; readonly fingerprint: string; readonly confirm: boolean }
  | { readonly kind: 'finish' };

export interface AgentPlan {
  readonly name: AgentName;
  /** Characters of the first request as sent: JSON of `{ system, messages: [first], tools }`. */
  readonly promptChars: number;
  /** Characters of the cached prefix: the tool definitions and the system blocks. */
  readonly cachedChars: number;
  readonly leads: number;
  readonly turns: readonly PlannedTurn[];
  /** A saved result is still valid for this exact request: the audit would reuse it and ask nothing. */
  readonly reused?: boolean;
}

export type Limit = 'turns' | 'input tokens' | 'output tokens';

export interface AgentEstimate {
  readonly name: AgentName;
  /** Files it is expected to read, in order, and their size on disk. */
  readonly files: readonly string[];
  readonly bytes: number;
  readonly leads: number;
  /** P: tokens of one turn's fixed part (system, tools, assignment). */
  readonly promptTokens: number;
  /** R: tokens of the planned reads as the tools return them. */
  readonly readTokens: number;
  /** Turns the plan needs, and the turns it gets under the agent's limits. */
  readonly plannedTurns: number;
  readonly turns: number;
  /** Every input token over all turns, cached ones included. */
  readonly inputTokens: number;
  readonly cacheWriteTokens: number;
  readonly cacheReadTokens: number;
  readonly outputTokens: number;
  readonly usd: number;
  /** The agent's limit that cuts the plan short, if one does. */
  readonly cappedBy: Limit | null;
  /** Reused from the result cache: no model call, nothing spent. */
  readonly reused: boolean;
}

export interface AuditEstimate {
  readonly model: string;
  readonly agents: readonly AgentEstimate[];
  readonly total: { readonly turns: number; readonly inputTokens: number; readonly outputTokens: number; readonly cacheReadTokens: number; readonly cacheWriteTokens: number; readonly usd: number };
  readonly budgetUsd: number;
  readonly exceedsBudget: boolean;
}

function outputOf(turn: PlannedTurn): number {
  if (turn.kind === 'lead') return turn.confirm ? OUTPUT_TOKENS.finding : OUTPUT_TOKENS.rejection;
  if (turn.kind === 'finish') return OUTPUT_TOKENS.finish;
  return OUTPUT_TOKENS.toolCall;
}

function resultCharsOf(turn: PlannedTurn): number {
  if (turn.kind === 'read' || turn.kind === 'map') return turn.resultChars;
  return LEDGER_RESULT_CHARS;
}

/** One agent's conversation replayed on paper, stopping where its meter would refuse the next turn. */
export function estimateAgent(plan: AgentPlan, budget: AgentBudget, model: string): AgentEstimate {
  if (plan.reused) {
    return { name: plan.name, files: [], bytes: 0, leads: plan.leads, promptTokens: 0, readTokens: 0, plannedTurns: 0, turns: 0, inputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, outputTokens: 0, usd: 0, cappedBy: null, reused: true };
  }
  const reads = plan.turns.filter((t): t is Extract<PlannedTurn, { kind: 'read' }> => t.kind === 'read');
  let turns = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cacheReadTokens = 0;
  let cacheWriteTokens = 0;
  let usd = 0;
  let cappedBy: Limit | null = null;
  const cached = estimateTokens(plan.cachedChars);
  let conversationChars = plan.promptChars;
  let lastInput = 0;
  let lastOutput = 0;
  let added = plan.promptChars;
  for (const turn of plan.turns) {
    // The meter's question before every request (AgentMeter.refusal), with the same look-ahead.
    const nextInput = Math.ceil((lastInput + lastOutput + estimateTokens(added)) * 1.1) + 64;
    if (turns >= budget.maxTurns) cappedBy = 'turns';
    else if (inputTokens + nextInput > budget.maxInputTokens) cappedBy = 'input tokens';
    else if (outputTokens + budget.maxTokensPerTurn > budget.maxOutputTokens) cappedBy = 'output tokens';
    if (cappedBy) break;

    const input = estimateTokens(conversationChars);
    const write = turns === 0 ? Math.min(cached, input) : 0;
    const read = turns === 0 ? 0 : Math.min(cached, input);
    const output = outputOf(turn);
    turns++;
    inputTokens += input;
    outputTokens += output;
    cacheWriteTokens += write;
    cacheReadTokens += read;
    usd += costUsd(model, { inputTokens: input - write - read, outputTokens: output, cacheWriteTokens: write, cacheReadTokens: read });

    // The reply and the tool result join the conversation the next turn re-sends.
    const resultChars = resultCharsOf(turn) + ENVELOPE_CHARS.toolResult;
    added = resultChars;
    conversationChars += output * 4 + ENVELOPE_CHARS.reply + resultChars;
    lastInput = input;
    lastOutput = output;
  }
  return {
    name: plan.name,
    files: reads.map((r) => r.file),
    bytes: reads.reduce((sum, r) => sum + r.bytes, 0),
    leads: plan.leads,
    promptTokens: estimateTokens(plan.promptChars),
    readTokens: estimateTokens(reads.reduce((sum, r) => sum + r.resultChars, 0)),
    plannedTurns: plan.turns.length,
    turns,
    inputTokens,
    cacheWriteTokens,
    cacheReadTokens,
    outputTokens,
    usd,
    cappedBy,
    reused: false,
  };
}

/** Every agent's estimate and the total, compared with the audit's USD cap. */
export function estimateAudit(plans: readonly AgentPlan[], budget: AgentBudget, model: string, budgetUsd: number): AuditEstimate {
  const agents = plans.map((plan) => estimateAgent(plan, budget, model));
  const sum = (pick: (a: AgentEstimate) => number) => agents.reduce((total, a) => total + pick(a), 0);
  const total = {
    turns: sum((a) => a.turns),
    inputTokens: sum((a) => a.inputTokens),
    outputTokens: sum((a) => a.outputTokens),
    cacheReadTokens: sum((a) => a.cacheReadTokens),
    cacheWriteTokens: sum((a) => a.cacheWriteTokens),
    usd: sum((a) => a.usd),
  };
  return { model, agents, total, budgetUsd, exceedsBudget: total.usd > budgetUsd };
}

export interface PlanFile {
  readonly path: string;
  readonly bytes: number;
  readonly language: string;
}

export interface ReadingInput {
  readonly map: SystemMap;
  /** The files the agent's probe leads cite, one entry per lead. */
  readonly leadFiles: readonly string[];
  /** The audited files. */
  readonly files: readonly PlanFile[];
  /** With --focus: only these files are in scope. */
  readonly focusFiles?: ReadonlySet<string>;
  /** With --since: the changed files, which come first among the role's files. */
  readonly changedFiles?: ReadonlySet<string>;
  readonly budget?: { readonly files: number; readonly chars: number };
}

const CODE_LANGUAGES = new Set(['typescript', 'javascript']);
const TEST_PATH = /(^|\/)(tests?|__tests__|spec|fixtures?|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/;
const MIGRATION_PATH = /(^|\/)migrations?\//;
const JOB_PATH = /(^|\/)(jobs?|workers?|queues?|cron|tasks?|scheduler)(\/|\.|s?\.)|(^|\/)[^/]*(job|worker|queue|cron)[^/]*\.[cm]?[jt]s$/i;
const CONFIG_PATH = /(^|\/)(config|settings|env)(\/|\.[cm]?[jt]s$|\.json$|\.ya?ml$)|(^|\/)\.env\.(example|sample)$/i;
const LOGGING_PATH = /(^|\/)[^/]*(log|logger|logging|telemetry|metrics|tracing|sentry)[^/]*\.[cm]?[jt]s$/i;
const AUTH_PATH = /(^|\/)[^/]*(auth|session|guard|permission|middleware)[^/]*(\/|\.[cm]?[jt]s$)/i;

/** The files of the repository that matter to a role, most telling first, before the read budget. */
export function roleFiles(name: AgentName, map: SystemMap, files: readonly PlanFile[]): string[] {
  const paths = files.map((f) => f.path);
  const matching = (pattern: RegExp) => paths.filter((p) => pattern.test(p) && !TEST_PATH.test(p));
  switch (name) {
    case 'system-explorer':
      return [...map.packages.map((p) => p.path), ...map.entryPoints.map((e) => e.file)];
    case 'security-auditor': {
      const open = map.routes.filter((r) => !r.authenticated).map((r) => r.file);
      return [...open, ...map.routes.map((r) => r.file), ...matching(AUTH_PATH)];
    }
    case 'reliability-auditor':
      return [
        ...map.models.map((m) => m.file),
        ...map.entryPoints.filter((e) => e.kind === 'worker').map((e) => e.file),
        ...matching(JOB_PATH),
        ...matching(MIGRATION_PATH),
      ];
    case 'ops-auditor':
      return [
        ...map.deployFiles,
        ...matching(CONFIG_PATH),
        ...matching(LOGGING_PATH),
        ...map.entryPoints.filter((e) => e.kind === 'http-listen').map((e) => e.file),
      ];
    case 'code-auditor':
      return files
        .filter((f) => CODE_LANGUAGES.has(f.language) && !TEST_PATH.test(f.path))
        .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
        .map((f) => f.path);
  }
}

/**
 * The files an agent is expected to read, in order: those its leads cite (most-cited first), then the
 * files of its role ({@link roleFiles}; changed files first in diff mode), within the read budget.
 * A file over the remaining budget is passed over for a smaller one.
 */
export function planReading(name: AgentName, input: ReadingInput): PlanFile[] {
  const budget = input.budget ?? READ_BUDGET;
  const byPath = new Map(input.files.map((f) => [f.path, f]));
  const inScope = (p: string) => byPath.has(p) && (!input.focusFiles || input.focusFiles.has(p));
  const cited = new Map<string, number>();
  for (const file of input.leadFiles) cited.set(file, (cited.get(file) ?? 0) + 1);
  const leadOrder = [...cited.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([file]) => file);
  const role = roleFiles(name, input.map, input.files);
  const changed = input.changedFiles;
  const roleOrder = changed ? [...role.filter((p) => changed.has(p)), ...role.filter((p) => !changed.has(p))] : role;

  const chosen: PlanFile[] = [];
  const seen = new Set<string>();
  let chars = 0;
  for (const file of [...leadOrder, ...roleOrder]) {
    if (chosen.length >= budget.files) break;
    if (seen.has(file) || !inScope(file)) continue;
    seen.add(file);
    const entry = byPath.get(file)!;
    if (chars + entry.bytes > budget.chars) continue;
    chosen.push(entry);
    chars += entry.bytes;
  }
  return chosen;
}
