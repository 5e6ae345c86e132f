import type Anthropic from '@anthropic-ai/sdk';
import { mcpTools, type MCPCallToolResultLike } from '@anthropic-ai/sdk/helpers/beta/mcp';
import type { BetaMessage, BetaTextBlockParam } from '@anthropic-ai/sdk/resources/beta';
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Finding } from '../model/finding.js';
import type { SystemMap } from '../model/system-map.js';
import type { AgentBudget, CostMeter } from '../llm/budget.js';
import { AgentMeter } from '../llm/budget.js';
import { RepoToolsUnavailable } from '../mcp/resilient.js';
import type { Redactor } from '../repo/secrets.js';
import type { AgentDefinition, SkillDefinition } from './definitions.js';
import { AgentLedger } from './ledger.js';
import { assignment, systemBlocks } from './prompt.js';
import type { AgentRole } from './roster.js';
import { assignmentKey, digestToolResult, ReadLog, type Replay, type ToolCall } from './saved-results.js';

/** The MCP tools an agent may call: the read-only repository view, never the audit itself. */
const AGENT_MCP_TOOLS = new Set(['list_files', 'read_file', 'search', 'git_log', 'git_diff', 'git_blame', 'system_map']);

/** What every model session of an audit shares: the client, the budgets and meter, the MCP tools, the redactor. */
export interface SessionParts {
  readonly client: Anthropic;
  readonly model: string;
  readonly budget: AgentBudget;
  readonly cost: CostMeter;
  readonly mcp: Client;
  readonly mcpToolList: readonly Tool[];
  readonly redactor: Redactor;
}

export interface AgentRunInput extends SessionParts {
  readonly role: AgentRole;
  readonly definition: AgentDefinition;
  readonly skills: readonly SkillDefinition[];
  readonly map: SystemMap;
  readonly leads: readonly Finding[];
  readonly focus: readonly string[];
  readonly changed?: { readonly since: string; readonly files: readonly string[] } | undefined;
  readonly explorerNotes?: string;
  /** Stops the agent from outside (the stop-ship gate, an interrupt); findings so far are kept. */
  readonly signal?: AbortSignal | undefined;
  /** Saved results (the run's checkpoints, the result cache): a still-valid one is reused instead of asking the model. */
  readonly saved?: SavedResultsAccess | undefined;
}

/** Where an agent's result may already be, and where a finished one is kept. */
export interface SavedResultsAccess {
  find(agent: AgentRole['name'], key: string, replay: Replay): Promise<AgentResult | undefined>;
  keep(agent: AgentRole['name'], key: string, log: ReadLog, result: AgentResult): Promise<void>;
  /** The content hash of a file of the audited snapshot, for the record of what an agent read. */
  fileHash(file: string): string | undefined;
}

export interface AgentUsage {
  readonly turns: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly usd: number;
  readonly startedAt: string;
  readonly durationMs: number;
}

export interface AgentResult {
  readonly name: AgentRole['name'];
  /** completed: it called finish or stopped on its own; partial: a budget, fault or the gate cut it short; failed: nothing usable; cancelled: never started. */
  readonly status: 'completed' | 'partial' | 'failed' | 'cancelled';
  readonly findings: Finding[];
  readonly rejectedLeads: { fingerprint: string; reason: string }[];
  readonly summary: string | undefined;
  readonly usage: AgentUsage;
  readonly notes: string[];
  /** The HTTP status of the API error that ended the run (401: the key was refused), or null. */
  readonly apiStatus: number | null;
  /** Set when no model call was made: the result was saved by an earlier run and is still valid. */
  readonly reused?: { readonly from: 'checkpoint' | 'result-cache'; readonly savedUsd: number };
}

/**
 * One agent's investigation: the ledger tools record what it finds, the conversation loop runs it.
 */
export async function runAgent(input: AgentRunInput): Promise<AgentResult> {
  const { role } = input;
  const system = systemBlocks(input.definition, input.skills, input.map, input.explorerNotes);
  const first = assignment(role, input.leads, input.budget, input.focus, input.changed);
  const key = assignmentKey({ model: input.model, system, first, tools: input.mcpToolList, budget: input.budget });
  const replay: Replay = async (call) => digestToolResult(await input.mcp.callTool(call));
  const saved = await input.saved?.find(role.name, key, replay);
  if (saved) return saved;

  const ledger = new AgentLedger(role.name, role, new Map(input.leads.map((f) => [f.fingerprint, f])));
  const log = new ReadLog((file) => input.saved?.fileHash(file));
  const outcome = await converse({
    ...input,
    system,
    first,
    ledgerTools: ledger.tools(),
    done: () => ledger.finished,
    hasResults: () => ledger.findings.length > 0,
    onToolResult: (call, result) => log.record(call, result),
  });
  const result: AgentResult = {
    name: role.name,
    status: outcome.status,
    findings: ledger.findings,
    rejectedLeads: ledger.rejectedLeads,
    summary: ledger.summary && input.redactor.redact(ledger.summary),
    usage: outcome.usage,
    notes: outcome.notes,
    apiStatus: outcome.apiStatus,
  };
  // Only a run that ended on its own is worth keeping: one cut short by a fault, the wall clock or an
  // interrupt would come out differently next time.
  if (outcome.status === 'completed') await input.saved?.keep(role.name, key, log, result);
  return result;
}

export interface ConversationInput extends SessionParts {
  readonly system: BetaTextBlockParam[];
  readonly first: string;
  readonly ledgerTools: readonly BetaRunnableTool<any>[];
  /** True once the model has called its closing tool. */
  readonly done: () => boolean;
  /** True when something was recorded, so a cut-short run is partial rather than failed. */
  readonly hasResults: () => boolean;
  readonly signal?: AbortSignal | undefined;
  /** Told of every repository tool call as it returns, for the record of what the agent read. */
  readonly onToolResult?: ((call: ToolCall, result: MCPCallToolResultLike) => void) | undefined;
}

/** One repository tool call, as the MCP bridge makes it. */
export type RepoToolCall = (params: { name: string; arguments?: Record<string, unknown> }) => Promise<MCPCallToolResultLike>;

/** The tools an agent's requests carry: the read-only MCP tools, bridged to the client, then its ledger tools. */
export function agentTools(callTool: RepoToolCall, mcpToolList: readonly Tool[], ledgerTools: readonly BetaRunnableTool<any>[]): BetaRunnableTool<any>[] {
  // The MCP bridge expects a tool result with content; ours always has it (no task results).
  const bridge = { callTool };
  const repoTools = mcpToolList.filter((t) => AGENT_MCP_TOOLS.has(t.name)) as Parameters<typeof mcpTools>[0];
  return [...mcpTools(repoTools, bridge), ...ledgerTools];
}

/**
 * The loop every agent session shares: the SDK's tool runner drives the turns over the MCP tools
 * and the ledger tools; between turns the meter decides whether another request may go out.
 */
export async function converse(input: ConversationInput): Promise<{ status: 'completed' | 'partial' | 'failed'; notes: string[]; usage: AgentUsage; apiStatus: number | null }> {
  const { budget, system, first } = input;
  const meter = new AgentMeter(budget, input.cost);
  const notes: string[] = [];
  // The HTTP status of the API error that ended the run, if one did: callers decide on it, not on note text.
  let apiStatus: number | null = null;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // A call that fails or times out is a tool error for the model; one that cannot reach the tools even
  // after a restart also marks the run.
  let toolsDown: string | undefined;
  // Wall time and the gate stop a tool call in flight too, not only the next request.
  const wall = new AbortController();
  const callTool = async (params: { name: string; arguments?: Record<string, unknown> }): Promise<MCPCallToolResultLike> => {
    try {
      const result = (await input.mcp.callTool(params, undefined, { timeout: budget.maxToolCallMs, signal: wall.signal })) as MCPCallToolResultLike;
      input.onToolResult?.({ name: params.name, arguments: params.arguments ?? {} }, result);
      return result;
    } catch (error) {
      if (error instanceof RepoToolsUnavailable) toolsDown ??= error.message;
      throw error;
    }
  };
  const tools = agentTools(callTool, input.mcpToolList, input.ledgerTools);

  const finish = (status: 'completed' | 'partial' | 'failed') => ({
    // A run whose repository tools went away cannot have looked at everything it meant to.
    status: toolsDown && status === 'completed' ? 'partial' : status,
    notes: toolsDown ? [...notes, `${toolsDown}; findings so far kept`] : notes,
    apiStatus,
    usage: {
      turns: meter.turns,
      inputTokens: meter.inputTokens,
      outputTokens: meter.outputTokens,
      cacheReadTokens: meter.cacheReadTokens,
      cacheWriteTokens: meter.cacheWriteTokens,
      usd: meter.usd,
      startedAt,
      durationMs: Math.round(performance.now() - started),
    },
  });

  const refusal = meter.refusalForFirst(JSON.stringify({ system, first, tools: input.mcpToolList }).length);
  if (refusal) {
    notes.push(`not started: ${refusal}`);
    return finish('failed');
  }

  const timer = setTimeout(() => wall.abort(), budget.maxWallMs);
  const stopFromOutside = (): void => wall.abort();
  input.signal?.addEventListener('abort', stopFromOutside, { once: true });
  const runner = input.client.beta.messages.toolRunner(
    // thread: false sends the whole conversation each turn, as every Messages-compatible endpoint expects.
    { model: input.model, max_tokens: budget.maxTokensPerTurn, system, messages: [{ role: 'user', content: first }], tools, thread: false },
    { signal: wall.signal },
  );
  try {
    for await (const message of runner) {
      meter.record(usageOf(message));
      if (message.stop_reason === 'max_tokens' && !input.done()) {
        // Cut off mid-reply: a tool call in it may be half written, and the runner does not run it.
        notes.push(`stopped: a reply reached the per-turn output limit (max_tokens ${budget.maxTokensPerTurn}) before it was complete; findings so far kept`);
        return finish('partial');
      }
      if (message.stop_reason !== 'tool_use') {
        notes.push(input.done() ? 'finished' : `stopped on its own (${message.stop_reason ?? 'no stop reason'}) without calling finish`);
        return finish('completed');
      }
      const toolResponse = await runner.generateToolResponse();
      if (input.done()) return finish('completed');
      const why = meter.refusal(message.usage.output_tokens, JSON.stringify(toolResponse?.content ?? '').length);
      if (why) {
        notes.push(`stopped: ${why}; findings so far kept`);
        return finish('partial');
      }
    }
    return finish('completed');
  } catch (error) {
    const reason = input.signal?.aborted
      ? `stopped ${typeof input.signal.reason === 'string' ? input.signal.reason : 'by the stop-ship gate'}`
      : wall.signal.aborted
        ? `stopped: wall-time budget reached (${Math.round(budget.maxWallMs / 1000)} s)`
        : `failed: ${describe(error)}`;
    if (error instanceof Error && 'status' in error && typeof error.status === 'number') apiStatus = error.status;
    notes.push(input.redactor.redact(`${reason}; findings so far kept`));
    return finish(input.hasResults() || wall.signal.aborted ? 'partial' : 'failed');
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', stopFromOutside);
  }
}

function usageOf(message: BetaMessage) {
  const u = message.usage;
  return { inputTokens: u.input_tokens, outputTokens: u.output_tokens, cacheReadTokens: u.cache_read_input_tokens ?? 0, cacheWriteTokens: u.cache_creation_input_tokens ?? 0 };
}

/** One line: the API's own error name and status when there is one. */
function describe(error: unknown): string {
  if (error instanceof Error && 'status' in error && error.status !== undefined) {
    // The API's own message rather than the SDK's rendering of the whole error body.
    const body = (error as { error?: { error?: { message?: unknown } } }).error;
    const message = typeof body?.error?.message === 'string' ? body.error.message : error.message;
    return `${error.name} ${String(error.status)}: ${message.split('\n')[0]}`;
  }
  // The SDK parses the body as it reads it, so a SyntaxError here is a response cut short or mangled on the way.
  if (error instanceof SyntaxError) return `the API's response was not valid JSON (${error.message.split('\n')[0]})`;
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}
