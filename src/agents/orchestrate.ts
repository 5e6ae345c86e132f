import PQueue from 'p-queue';
import type { Finding } from '../model/finding.js';
import type { SystemMap } from '../model/system-map.js';
import { AGENTS, type AgentName, type PhaseId } from '../model/taxonomy.js';
import type { EventSink } from '../workflow/events.js';
import { CostMeter, DEFAULT_AGENT_BUDGET, type AgentBudget } from '../llm/budget.js';
import { createClient, type LlmOptions } from '../llm/client.js';
import { DEFAULT_BUDGET_USD, DEFAULT_CONCURRENCY, DEFAULT_MODEL } from '../llm/defaults.js';
import { connectInMemory } from '../mcp/client.js';
import { probeById } from '../probes/registry.js';
import type { Redactor } from '../repo/secrets.js';
import type { RepoView } from '../repo/view.js';
import { loadAgent, loadSkill } from './definitions.js';
import { ROSTER, type AgentRole } from './roster.js';
import { runAgent, type AgentResult, type SavedResultsAccess, type SessionParts } from './runtime.js';

export interface AgentsOptions {
  readonly llm: LlmOptions;
  /** Per-agent limits. */
  readonly budget?: Partial<AgentBudget>;
  /** The whole audit's spend cap in USD. @default 5 */
  readonly maxUsd?: number;
  /** Agents running at once after the system explorer. @default 4 */
  readonly concurrency?: number;
  /** Which agents run. @default all five */
  readonly agents?: readonly AgentName[];
  /** Paths, globs or topics to concentrate on. */
  readonly focus?: readonly string[];
  /** Diff mode: the files changed since the ref, which the agents look at first. */
  readonly changed?: { readonly since: string; readonly files: readonly string[] };
  /** Run the skeptic pass over CRITICAL and HIGH findings. @default false */
  readonly verify?: boolean;
}

/** What every agent session of one audit shares: the client, the spend meter, the MCP tools and the map. */
export interface AgentsSession extends SessionParts {
  readonly concurrency: number;
  readonly map: SystemMap;
  close(): Promise<void>;
}

/** Connects the in-memory MCP tools over the same snapshot the probes read, and sets up the shared meters. */
export async function openSession(view: RepoView, map: SystemMap, redactor: Redactor, options: AgentsOptions): Promise<AgentsSession> {
  const model = options.llm.model ?? DEFAULT_MODEL;
  const connection = await connectInMemory({ root: view.root, view });
  try {
    const { tools } = await connection.client.listTools();
    return {
      client: createClient(options.llm),
      model,
      budget: { ...DEFAULT_AGENT_BUDGET, ...options.budget },
      cost: new CostMeter(model, options.maxUsd ?? DEFAULT_BUDGET_USD),
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      mcp: connection.client,
      mcpToolList: tools,
      map,
      redactor,
      close: () => connection.close(),
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

export interface AgentRunHooks {
  readonly onEvent?: EventSink;
  /** Called as each agent finishes, before the next queued one may start; the gate listens here. */
  readonly onResult?: (result: AgentResult) => Promise<void>;
  /** Aborting cancels queued agents and stops running ones (their findings so far are kept). A string reason ("by the stop-ship gate") is told in their notes. */
  readonly signal?: AbortSignal;
  /** Checkpoints and the result cache: a still-valid saved result is reused without a model call. */
  readonly saved?: SavedResultsAccess | undefined;
}

/** One agent with its probe leads (the probe findings of the probes it owns). */
export async function runRole(session: AgentsSession, role: AgentRole, probeFindings: readonly Finding[], options: AgentsOptions, hooks: AgentRunHooks, explorerNotes?: string): Promise<AgentResult> {
  const emit = hooks.onEvent ?? (() => {});
  if (hooks.signal?.aborted) {
    const result = cancelled(role, hooks.signal.reason);
    emit({ type: 'agent-finished', agent: role.name, status: result.status, findings: 0, turns: 0, tokens: 0, usd: 0, note: result.notes[0]! });
    await hooks.onResult?.(result);
    return result;
  }
  emit({ type: 'agent-started', agent: role.name });
  const [definition, skills] = await Promise.all([loadAgent(role.name), Promise.all(role.skills.map((s) => loadSkill(s)))]);
  const leads = leadsFor(role, probeFindings);
  const result = await runAgent({ ...session, role, definition, skills, leads, explorerNotes, focus: options.focus ?? [], changed: options.changed, signal: hooks.signal, saved: hooks.saved });
  for (const note of result.notes.filter((n) => n.startsWith('stopped:'))) emit({ type: 'budget', agent: role.name, reason: note });
  emit({
    type: 'agent-finished',
    agent: role.name,
    status: result.status,
    findings: result.findings.length,
    turns: result.usage.turns,
    tokens: result.usage.inputTokens + result.usage.outputTokens,
    usd: result.usage.usd,
    ...(result.notes[0] ? { note: result.notes[0] } : {}),
  });
  await hooks.onResult?.(result);
  return result;
}

/** An agent's probe leads: the probe findings of the probes it owns. */
export function leadsFor(role: AgentRole, probeFindings: readonly Finding[]): Finding[] {
  return probeFindings.filter((f) => f.sources.some((s) => s.kind === 'probe' && probeById(s.id)?.meta.agent === role.name));
}

/** Phases 3–8: the specialist agents in parallel on a queue, each told what the explorer found. */
export async function runInParallel(session: AgentsSession, roles: readonly AgentRole[], probeFindings: readonly Finding[], options: AgentsOptions, hooks: AgentRunHooks, explorerNotes?: string): Promise<AgentResult[]> {
  const queue = new PQueue({ concurrency: session.concurrency });
  return Promise.all(roles.map((role) => queue.add(() => runRole(session, role, probeFindings, options, hooks, explorerNotes)) as Promise<AgentResult>));
}

/** The roles an audit runs: the explorer apart (it maps first), the others filtered by --agents and --phase. */
export function selectRoles(options: AgentsOptions, phases?: readonly PhaseId[]): { explorer: AgentRole | undefined; specialists: AgentRole[] } {
  const selected = new Set(options.agents ?? AGENTS);
  const inPhases = (role: AgentRole) => !phases || role.phases.some((p) => phases.includes(p));
  const explorer = ROSTER.find((role) => role.name === 'system-explorer' && selected.has(role.name));
  return { explorer, specialists: ROSTER.filter((role) => role.name !== 'system-explorer' && selected.has(role.name) && inPhases(role)) };
}

function cancelled(role: AgentRole, reason: unknown): AgentResult {
  return {
    name: role.name,
    status: 'cancelled',
    findings: [],
    rejectedLeads: [],
    summary: undefined,
    usage: { turns: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, usd: 0, startedAt: new Date().toISOString(), durationMs: 0 },
    apiStatus: null,
    notes: [`cancelled ${typeof reason === 'string' ? reason : 'by the stop-ship gate'} before it started`],
  };
}
