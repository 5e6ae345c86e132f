/**
 * Shared pieces of the fault suite (tests/faults): a copy of the flawed shop to audit, agent options with small
 * time limits pointed at the fake Messages API, and a per-agent script that can repeat a fault forever.
 */
import type { AgentsOptions } from '../../src/agents/orchestrate.js';
import { roleOf } from '../../src/agents/roster.js';
import type { AgentRun, AuditReport } from '../../src/model/report.js';
import type { AgentName } from '../../src/model/taxonomy.js';
import { systemText, text, toolUse, type FakeAnthropic, type RecordedRequest, type Script, type Step } from './fake-anthropic.js';
import { makeTree } from './tree.js';

/** A small repository: the probes finish in a fraction of a second, and most categories are left to the agents. */
export const TINY_FILES = {
  'src/index.ts': 'export const answer = 42;\n',
  'src/orders.ts': 'export function total(items: { price: number }[]): number {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n',
};
export function tinyRepo(): string {
  return makeTree(TINY_FILES);
}

/** A finding an agent may report on the tiny repository: its quote matches src/orders.ts:2. */
export function ordersFinding(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Order total trusts client-side prices',
    severity: 'HIGH',
    category: 'Data Integrity',
    evidence: [{ file: 'src/orders.ts', startLine: 2, endLine: 2, quote: '  return items.reduce((sum, item) => sum + item.price, 0);' }],
    description: 'The total is summed from prices the caller passes in.',
    impact: 'A client can pay any amount it likes.',
    recommendation: 'Look the prices up on the server.',
    effort: 'hours',
    confidence: 'high',
    ...overrides,
  };
}

/**
 * Agents against the fake, with limits small enough that a fault costs a second, not minutes: two retries, a
 * 400 ms request timeout, a 2 s tool-call timeout.
 */
export function agentsAt(baseURL: string, overrides: Partial<AgentsOptions> = {}, llm: Partial<AgentsOptions['llm']> = {}): AgentsOptions {
  return {
    llm: { apiKey: 'test-key', baseURL, model: 'claude-sonnet-5-5', maxRetries: 2, requestTimeoutMs: 400, ...llm },
    concurrency: 4,
    ...overrides,
    budget: { maxToolCallMs: 2000, ...overrides.budget },
  };
}

export const finish = (summary = 'Checked the leads and the main paths.'): Step => ({ reply: [toolUse('finish', { summary })] });
export const endTurn = (words = 'I looked around and found nothing worth reporting.'): Step => ({ reply: [text(words)], stopReason: 'end_turn' });
export const readFile = (path = 'src/server.ts'): Step => ({ reply: [toolUse('read_file', { path, startLine: 1, endLine: 5 })] });

/** One agent's plan: steps in order (then `finish`), or a step for every turn (a fault that never clears). */
export type Plan = Step[] | ((turn: number) => Step);

/**
 * A script keyed by agent, matched by the `# Agent: NAME` heading of the system prompt (for a retry too: every
 * attempt is a request, so a fault step is consumed per attempt). Agents without a plan finish at once.
 */
export function perAgent(plans: Partial<Record<AgentName, Plan>>, fallback: Step = finish()): Script {
  const turns = new Map<string, number>();
  return (request) => {
    const system = systemText(request.effective?.system ?? request.body.system);
    const agent = (Object.keys(plans) as AgentName[]).find((name) => system.includes(`# Agent: ${name}\n`)) ?? /# Agent: ([a-z-]+)/.exec(system)?.[1] ?? null;
    request.agent = agent;
    const plan = agent ? plans[agent as AgentName] : undefined;
    const turn = turns.get(agent ?? '') ?? 0;
    turns.set(agent ?? '', turn + 1);
    if (plan === undefined) return fallback;
    return typeof plan === 'function' ? plan(turn) : (plan[turn] ?? fallback);
  };
}

export function agentRun(report: AuditReport, name: AgentName): AgentRun {
  const run = report.coverage.agents.find((a) => a.name === name);
  if (!run) throw new Error(`no run of ${name} in the report (runs: ${report.coverage.agents.map((a) => a.name).join(', ')})`);
  return run;
}

export function requestsOf(fake: FakeAnthropic, name: AgentName): RecordedRequest[] {
  return fake.requests.filter((r) => r.agent === name);
}

/** The scores of an agent's categories. */
export function categoriesOf(report: AuditReport, name: AgentName) {
  const categories = new Set<string>(roleOf(name).categories);
  return report.scores.filter((s) => categories.has(s.category));
}

/** Every tool_result the agent got back, from the last request it sent. */
export function toolResultsSent(request: RecordedRequest): { content: unknown; is_error?: boolean }[] {
  const messages = request.effective?.messages ?? request.body.messages;
  return messages.flatMap((m) => (Array.isArray(m.content) ? m.content.filter((b) => b.type === 'tool_result') : [])) as unknown as { content: unknown; is_error?: boolean }[];
}

/** A note is one line: what happened and why. */
export function expectOneLine(note: string | undefined): string {
  if (note === undefined || note.includes('\n') || note.length > 400) throw new Error(`expected a one-line note, got ${JSON.stringify(note)}`);
  return note;
}
