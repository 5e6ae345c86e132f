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
}

export interface AgentsInput {
  readonly view: RepoView;
  readonly redactor: Redactor;
  readonly probeFindings: readonly Finding[];
  readonly map: SystemMap;
  readonly options: AgentsOptions;
  readonly onProgress?: (message: string) => void;
}

/**
 * Phase 2 then phases 3–8: the system explorer maps first and its notes go to every other agent;
 * the other four run in parallel on a queue. Each sees the repository only through the MCP tools
 * (in memory, over the same collected snapshot the probes read).
 */
export async function runAgents(input: AgentsInput): Promise<AgentResult[]> {
  const { options } = input;
  const progress = input.onProgress ?? (() => {});
  const selected = new Set(options.agents ?? AGENTS);
  const model = options.llm.model ?? DEFAULT_MODEL;
  const budget = { ...DEFAULT_AGENT_BUDGET, ...options.budget };
  const cost = new CostMeter(model, options.maxUsd ?? DEFAULT_BUDGET_USD);
  const client = createClient(options.llm);
  const connection = await connectInMemory({ root: input.view.root, view: input.view });
  try {
    const { tools } = await connection.client.listTools();
    const run = async (role: AgentRole, explorerNotes?: string): Promise<AgentResult> => {
      progress(`agent ${role.name} started`);
      const [definition, skills] = await Promise.all([loadAgent(role.name), Promise.all(role.skills.map((s) => loadSkill(s)))]);
      const leads = input.probeFindings.filter((f) => f.sources.some((s) => s.kind === 'probe' && probeById(s.id)?.meta.agent === role.name));
      const result = await runAgent({
        role, definition, skills, client, model, budget, cost, leads, explorerNotes,
        mcp: connection.client,
        mcpToolList: tools,
        map: input.map,
        focus: options.focus ?? [],
        redactor: input.redactor,
      });
      progress(`agent ${role.name} ${result.status}: ${result.findings.length} finding(s), ${result.usage.turns} turn(s), $${result.usage.usd.toFixed(4)}`);
      return result;
    };

    const results: AgentResult[] = [];
    const explorer = ROSTER.find((role) => role.name === 'system-explorer')!;
    if (selected.has(explorer.name)) results.push(await run(explorer));
    const notes = results[0]?.summary;
    const queue = new PQueue({ concurrency: options.concurrency ?? DEFAULT_CONCURRENCY });
    const rest = ROSTER.filter((role) => role !== explorer && selected.has(role.name));
    results.push(...(await Promise.all(rest.map((role) => queue.add(() => run(role, notes)) as Promise<AgentResult>))));
    return results;
  } finally {
    await connection.close();
  }
}
