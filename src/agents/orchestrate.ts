import type Anthropic from '@anthropic-ai/sdk';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import PQueue from 'p-queue';
import type { Finding } from '../model/finding.js';
import type { SystemMap } from '../model/system-map.js';
import { AGENTS, type AgentName } from '../model/taxonomy.js';
import { CostMeter, DEFAULT_AGENT_BUDGET, type AgentBudget } from '../llm/budget.js';
import { createClient, type LlmOptions } from '../llm/client.js';
import { DEFAULT_BUDGET_USD, DEFAULT_CONCURRENCY, DEFAULT_MODEL } from '../llm/defaults.js';
import { connectInMemory } from '../mcp/client.js';
import { probeById } from '../probes/registry.js';
import type { Redactor } from '../repo/secrets.js';
import type { RepoView } from '../repo/view.js';
import { loadAgent, loadSkill } from './definitions.js';
import { ROSTER, type AgentRole } from './roster.js';
import { runAgent, type AgentResult } from './runtime.js';

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
  /** Run the skeptic pass over CRITICAL and HIGH findings. @default false */
  readonly verify?: boolean;
}

/** What every agent session of one audit shares: the client, the spend meter, the MCP tools and the map. */
export interface AgentsSession {
  readonly client: Anthropic;
  readonly model: string;
  readonly budget: AgentBudget;
  readonly cost: CostMeter;
  readonly concurrency: number;
  readonly mcp: Client;
  readonly mcpToolList: readonly Tool[];
  readonly map: SystemMap;
  readonly redactor: Redactor;
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

/**
 * Phase 2 then phases 3–8: the system explorer maps first and its notes go to every other agent;
 * the other four run in parallel on a queue.
 */
export async function runAgents(session: AgentsSession, probeFindings: readonly Finding[], options: AgentsOptions, onProgress?: (message: string) => void): Promise<AgentResult[]> {
  const progress = onProgress ?? (() => {});
  const selected = new Set(options.agents ?? AGENTS);
  const run = async (role: AgentRole, explorerNotes?: string): Promise<AgentResult> => {
    progress(`agent ${role.name} started`);
    const [definition, skills] = await Promise.all([loadAgent(role.name), Promise.all(role.skills.map((s) => loadSkill(s)))]);
    const leads = probeFindings.filter((f) => f.sources.some((s) => s.kind === 'probe' && probeById(s.id)?.meta.agent === role.name));
    const result = await runAgent({ ...session, role, definition, skills, leads, explorerNotes, focus: options.focus ?? [] });
    progress(`agent ${role.name} ${result.status}: ${result.findings.length} finding(s), ${result.usage.turns} turn(s), $${result.usage.usd.toFixed(4)}`);
    return result;
  };

  const results: AgentResult[] = [];
  const explorer = ROSTER.find((role) => role.name === 'system-explorer')!;
  if (selected.has(explorer.name)) results.push(await run(explorer));
  const notes = results[0]?.summary;
  const queue = new PQueue({ concurrency: session.concurrency });
  const rest = ROSTER.filter((role) => role !== explorer && selected.has(role.name));
  results.push(...(await Promise.all(rest.map((role) => queue.add(() => run(role, notes)) as Promise<AgentResult>))));
  return results;
}
