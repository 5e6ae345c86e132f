import path from 'node:path';
import type { BetaTextBlockParam } from '@anthropic-ai/sdk/resources/beta';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { loadAgent, loadSkill } from '../agents/definitions.js';
import { estimateAudit, EXPLORER_NOTES_CHARS, planReading, type AgentPlan, type AuditEstimate, type PlannedTurn } from '../agents/estimate.js';
import { AgentLedger } from '../agents/ledger.js';
import { leadsFor, selectRoles, type AgentsOptions } from '../agents/orchestrate.js';
import { assignment, systemBlocks } from '../agents/prompt.js';
import type { AgentRole } from '../agents/roster.js';
import { agentTools, type RepoToolCall } from '../agents/runtime.js';
import { assignmentKey, digestToolResult, SavedResults, type Replay } from '../agents/saved-results.js';
import { DEFAULT_AGENT_BUDGET, type AgentBudget } from '../llm/budget.js';
import { DEFAULT_BUDGET_USD, DEFAULT_MODEL } from '../llm/defaults.js';
import { connectInMemory } from '../mcp/client.js';
import type { Finding } from '../model/finding.js';
import type { SystemMap } from '../model/system-map.js';
import type { AgentName, PhaseId } from '../model/taxonomy.js';
import { ProbeContext } from '../probes/context.js';
import { runProbePass } from '../probes/pass.js';
import { PROBES } from '../probes/registry.js';
import type { Probe } from '../probes/types.js';
import { collectRepo, type CollectOptions } from '../repo/collect.js';
import { readChangeSet, restrictTo } from '../repo/diff.js';
import { redactorFor } from '../repo/redactor.js';
import { verifyEvidence } from '../verdict/index.js';
import { assignmentScope, resolveFocus } from './focus.js';
import { parseLaunchContext } from './launch-context.js';
import { STATE_DIR } from './run-state.js';
import { buildSystemMap } from './system-map.js';

export interface DryRunOptions extends CollectOptions {
  readonly target: string;
  readonly context?: string;
  readonly probes?: readonly Probe[];
  readonly phases?: readonly PhaseId[];
  readonly focus?: readonly string[];
  readonly since?: string;
  /** The agents' settings as the audit would take them (the key is not used: nothing is sent). */
  readonly agents?: Omit<AgentsOptions, 'llm'> & { readonly llm?: { readonly model?: string } };
  /** Why the real audit would run the probes only (no key, --offline); undefined when the agents would run. */
  readonly probesOnlyBecause?: string;
  /** Where the audit keeps its state (@default <root>/.prod-audit); false: the result cache is not consulted (--no-cache). */
  readonly stateDir?: string | false;
}

export interface DryRunAgent {
  readonly name: AgentName;
  readonly leads: number;
}

/** What `audit --dry-run` prints: the scope, the plan, and what the agents would cost. */
export interface DryRunPlan {
  readonly target: { readonly name: string; readonly root: string };
  readonly scope: { readonly files: number; readonly bytes: number; readonly skipped: number };
  readonly strictness: string;
  readonly phases: readonly PhaseId[] | null;
  readonly focus: { readonly terms: readonly string[]; readonly files: number } | null;
  readonly since: { readonly ref: string; readonly changedFiles: number } | null;
  readonly probes: { readonly ran: number; readonly findings: number };
  /** 'agents' when the audit would run them; 'probes-only' when it would not (the estimate is then of what they would cost). */
  readonly mode: 'agents' | 'probes-only';
  readonly probesOnlyBecause: string | null;
  readonly budget: { readonly maxTurns: number; readonly maxInputTokens: number; readonly maxOutputTokens: number; readonly usd: number };
  readonly estimate: AuditEstimate;
  readonly notes: readonly string[];
}

/**
 * The dry run: phases 1 and 2 and the probe pass for real (local and cheap), then each selected
 * agent's exact first request — system blocks, tool definitions, assignment with its leads — and its
 * reading plan measured through the same in-memory `read_file` the agents call, then the estimate
 * (see src/agents/estimate.ts). No client is created: nothing can reach a model.
 */
export async function runDryRun(options: DryRunOptions): Promise<DryRunPlan> {
  const agentOptions = options.agents ?? {};
  const model = agentOptions.llm?.model ?? DEFAULT_MODEL;
  const budget: AgentBudget = { ...DEFAULT_AGENT_BUDGET, ...agentOptions.budget };
  const budgetUsd = agentOptions.maxUsd ?? DEFAULT_BUDGET_USD;
  const wanted = (phase: PhaseId): boolean => !options.phases || options.phases.includes(phase);

  const view = await collectRepo(options.target, options);
  const changes = options.since !== undefined ? restrictTo(await readChangeSet(view.root, options.since), new Set(view.files.map((f) => f.path))) : undefined;
  const context = parseLaunchContext(options.context);
  const redactor = redactorFor(view);
  const map = buildSystemMap(new ProbeContext(view));
  const focus = options.focus && options.focus.length > 0 ? resolveFocus(options.focus, view, map) : undefined;
  const scope = assignmentScope(focus, changes);
  const focusTerms = scope.focus ?? agentOptions.focus ?? [];
  const changed = scope.changed;

  const selectedProbes = (options.probes ?? PROBES).filter((probe) => wanted(probe.meta.phase));
  const run = await runProbePass(view, selectedProbes, redactor);
  const verified = verifyEvidence(run.findings, view, redactor).kept;
  const probeFindings = focus ? verified.filter((f) => f.evidence.some((e) => focus.files.has(e.file))) : verified;

  const roles = selectRoles({ ...agentOptions, llm: { apiKey: '' } }, options.phases);
  const selected = [...(roles.explorer ? [roles.explorer] : []), ...roles.specialists];
  const connection = await connectInMemory({ root: view.root, view });
  let plans: AgentPlan[];
  let notesKnown = !roles.explorer;
  try {
    const { tools: mcpToolList } = await connection.client.listTools();
    const saved = options.stateDir === false ? undefined : new SavedResults(path.join(options.stateDir ?? path.join(view.root, STATE_DIR), 'cache', 'agents'));
    const replay: Replay = async (call) => digestToolResult(await connection.client.callTool(call));
    // The specialists' prompts carry the explorer's notes: known only when its result would be reused.
    let explorerNotes = roles.explorer ? 'x'.repeat(EXPLORER_NOTES_CHARS) : undefined;
    plans = [];
    for (const role of selected) {
      const leads = role.name === 'system-explorer' ? [] : leadsFor(role, probeFindings);
      const plan = await planAgent(role, {
        client: connection.client,
        mcpToolList,
        map,
        leads,
        budget,
        focus: focusTerms,
        changed,
        explorerNotes: role.name === 'system-explorer' ? undefined : explorerNotes,
        files: view.files.map((f) => ({ path: f.path, bytes: f.bytes, language: f.language })),
        focusFiles: focus?.files,
        changedFiles: changes ? new Set(changes.files.keys()) : undefined,
        model,
      });
      const reusable = saved && (role.name === 'system-explorer' || notesKnown) ? await saved.load(plan.key, plan.key, replay) : undefined;
      if (role.name === 'system-explorer' && reusable) {
        explorerNotes = reusable.result.summary ?? undefined;
        notesKnown = true;
      }
      plans.push({ ...plan, reused: reusable !== undefined });
    }
  } finally {
    await connection.close();
  }

  const estimate = estimateAudit(plans, budget, model, budgetUsd);
  const notes: string[] = [];
  if (agentOptions.verify) notes.push('--verify adds a short session per CRITICAL and HIGH finding (at most 20); it is not in the estimate.');
  if (selected.length === 0) notes.push('No agent would run with these --agents and --phase.');
  if (roles.explorer && roles.specialists.length > 0 && !notesKnown) notes.push(`The specialists' prompts include the explorer's notes, counted as ${EXPLORER_NOTES_CHARS} characters.`);
  const reused = plans.filter((p) => p.reused).map((p) => p.name);
  if (reused.length > 0) notes.push(`Reused from the result cache, with no model call (everything they read is unchanged): ${reused.join(', ')}.`);
  return {
    target: { name: path.basename(view.root), root: view.root },
    scope: { files: view.files.length, bytes: view.totalBytes, skipped: view.skipped.length },
    strictness: context.strictness,
    phases: options.phases ? [...options.phases] : null,
    focus: focus ? { terms: [...focus.terms], files: focus.files.size } : null,
    since: changes ? { ref: changes.since, changedFiles: changes.files.size } : null,
    probes: { ran: run.outcomes.filter((o) => o.status === 'ran').length, findings: probeFindings.length },
    mode: options.probesOnlyBecause ? 'probes-only' : 'agents',
    probesOnlyBecause: options.probesOnlyBecause ?? null,
    budget: { maxTurns: budget.maxTurns, maxInputTokens: budget.maxInputTokens, maxOutputTokens: budget.maxOutputTokens, usd: budgetUsd },
    estimate,
    notes,
  };
}

interface PlanInput {
  readonly client: Client;
  readonly mcpToolList: Awaited<ReturnType<Client['listTools']>>['tools'];
  readonly map: SystemMap;
  readonly leads: readonly Finding[];
  readonly budget: AgentBudget;
  readonly focus: readonly string[];
  readonly changed: { since: string; files: readonly string[] } | undefined;
  readonly explorerNotes: string | undefined;
  readonly files: { path: string; bytes: number; language: string }[];
  readonly focusFiles: ReadonlySet<string> | undefined;
  readonly changedFiles: ReadonlySet<string> | undefined;
  readonly model: string;
}

/** One agent's first request, built as the runtime builds it, and the turns it is expected to take. */
async function planAgent(role: AgentRole, input: PlanInput): Promise<AgentPlan & { key: string }> {
  const [definition, skills] = await Promise.all([loadAgent(role.name), Promise.all(role.skills.map((s) => loadSkill(s)))]);
  const system: BetaTextBlockParam[] = systemBlocks(definition, skills, input.map, input.explorerNotes);
  const first = assignment(role, input.leads, input.budget, input.focus, input.changed);
  const ledger = new AgentLedger(role.name, role, new Map(input.leads.map((f) => [f.fingerprint, f])));
  const tools = agentTools((params) => input.client.callTool(params) as ReturnType<RepoToolCall>, input.mcpToolList, ledger.tools());
  const promptChars = JSON.stringify({ system, messages: [{ role: 'user', content: first }], tools }).length;
  const cachedChars = JSON.stringify(tools).length + JSON.stringify(system).length;
  // The same key the runtime looks a saved result up by (src/agents/runtime.ts runAgent).
  const key = assignmentKey({ model: input.model, system, first, tools: input.mcpToolList, budget: input.budget });

  const turns: PlannedTurn[] = [];
  if (role.name === 'system-explorer') turns.push({ kind: 'map', resultChars: await resultChars(input.client, 'system_map', {}) });
  const reading = planReading(role.name, {
    map: input.map,
    leadFiles: input.leads.map((f) => f.evidence[0]!.file),
    files: input.files,
    ...(input.focusFiles ? { focusFiles: input.focusFiles } : {}),
    ...(input.changedFiles ? { changedFiles: input.changedFiles } : {}),
  });
  for (const file of reading) turns.push({ kind: 'read', file: file.path, bytes: file.bytes, resultChars: await resultChars(input.client, 'read_file', { path: file.path }) });
  // Probe leads are precise enough to be confirmed far more often than rejected: one in four rejected.
  input.leads.forEach((lead, i) => turns.push({ kind: 'lead', fingerprint: lead.fingerprint, confirm: i % 4 !== 3 }));
  turns.push({ kind: 'finish' });
  return { name: role.name, promptChars, cachedChars, leads: input.leads.length, turns, key };
}

/** The characters a tool's answer adds to the conversation: its text as JSON, exactly as the agent would get it. */
async function resultChars(client: Client, name: string, args: Record<string, unknown>): Promise<number> {
  const result = await client.callTool({ name, arguments: args });
  const content = (result.content as { type: string; text?: string }[]) ?? [];
  return content.reduce((sum, item) => sum + JSON.stringify(item.text ?? '').length, 0);
}
