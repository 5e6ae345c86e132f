import { AGENTS, PHASES, type AgentName, type PhaseId } from '../model/taxonomy.js';
import type { AuditEvent } from '../workflow/events.js';

/**
 * What the progress view knows, folded from the events alone. It mirrors the run and never
 * judges it: counts and states are the ones the events carried.
 */
export type PhaseStatus = 'pending' | 'running' | 'done' | 'skipped';
export type AgentStatus = 'running' | 'completed' | 'partial' | 'failed' | 'cancelled';

export interface PhaseView {
  readonly id: PhaseId;
  name: string;
  status: PhaseStatus;
  /** Findings seen so far while running; the phase's own count once it finished. */
  findings: number;
  note?: string;
}

export interface AgentView {
  readonly name: AgentName;
  status: AgentStatus;
  findings: number;
  turns?: number;
  tokens?: number;
  usd?: number;
  startedAt?: number;
  finishedAt?: number;
  note?: string;
  /** Why its budget stopped it, when it did. */
  budget?: string;
}

export interface VerdictView {
  readonly rating: string;
  readonly readinessScore: number;
  readonly stopShip: number;
  readonly blocked: boolean;
}

export interface ProgressState {
  readonly startedAt: number;
  readonly phases: PhaseView[];
  readonly agents: Map<AgentName, AgentView>;
  findings: number;
  stopShip: number;
  usd: number;
  events: number;
  verdict?: VerdictView;
}

export function createState(startedAt: number): ProgressState {
  return {
    startedAt,
    phases: PHASES.map((p) => ({ id: p.id, name: p.name, status: 'pending', findings: 0 })),
    agents: new Map(),
    findings: 0,
    stopShip: 0,
    usd: 0,
    events: 0,
  };
}

/** Agents in roster order, so lines never jump around as agents start in parallel. */
export function agentsInOrder(state: ProgressState): AgentView[] {
  return AGENTS.flatMap((name) => state.agents.get(name) ?? []);
}

/**
 * A finding's `source` names a probe or an agent ("code-auditor", "agent:code-auditor"); the last
 * ":"-part tells which agent, if any, to credit in its "findings so far".
 */
function agentOf(source: string): AgentName | undefined {
  const last = source.split(':').pop() ?? '';
  return (AGENTS as readonly string[]).includes(last) ? (last as AgentName) : undefined;
}

export function applyEvent(state: ProgressState, event: AuditEvent, at: number): void {
  state.events++;
  switch (event.type) {
    case 'phase-started': {
      const phase = phaseOf(state, event.phase);
      phase.name = event.name;
      phase.status = 'running';
      return;
    }
    case 'phase-finished': {
      const phase = phaseOf(state, event.phase);
      phase.name = event.name;
      // The workflow's state machine finishes a phase that never started only by skipping it.
      phase.status = phase.status === 'pending' ? 'skipped' : 'done';
      phase.findings = event.findings;
      if (event.note) phase.note = event.note;
      return;
    }
    case 'agent-started':
      state.agents.set(event.agent, { name: event.agent, status: 'running', findings: 0, startedAt: at });
      return;
    case 'agent-finished': {
      const agent = state.agents.get(event.agent) ?? { name: event.agent, status: event.status, findings: 0 };
      Object.assign(agent, { status: event.status, findings: event.findings, turns: event.turns, tokens: event.tokens, usd: event.usd, finishedAt: at });
      if (event.note) agent.note = event.note;
      state.agents.set(event.agent, agent);
      state.usd += event.usd;
      return;
    }
    case 'finding': {
      state.findings++;
      if (event.stopShip) state.stopShip++;
      const phase = phaseOf(state, event.phase);
      if (phase.status !== 'done') phase.findings++;
      const name = agentOf(event.source);
      const agent = name && state.agents.get(name);
      if (agent && agent.status === 'running') agent.findings++;
      return;
    }
    case 'budget': {
      const agent = state.agents.get(event.agent);
      if (agent) agent.budget = event.reason;
      return;
    }
    case 'verdict':
      state.verdict = { rating: event.rating, readinessScore: event.readinessScore, stopShip: event.stopShip, blocked: event.blocked };
      return;
    case 'gate':
    case 'error':
      // Shown as lines of their own; nothing in the status block changes.
      return;
  }
}

function phaseOf(state: ProgressState, id: PhaseId): PhaseView {
  let phase = state.phases.find((p) => p.id === id);
  if (!phase) {
    // Out-of-range ids would be a workflow bug; show them rather than drop them.
    phase = { id, name: `phase ${id}`, status: 'pending', findings: 0 };
    state.phases.push(phase);
  }
  return phase;
}
