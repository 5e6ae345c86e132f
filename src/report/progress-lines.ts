import type { AuditEvent } from '../workflow/events.js';
import type { ProgressState } from './progress-state.js';
import { clean, duration, plural, stamp, tokens, usd } from './progress-text.js';

/**
 * The line-per-event modes. Plain is for people reading CI logs: one timestamped sentence per event,
 * no escape codes, untrusted text cleaned. JSON is for tools: the event as emitted, plus `time`.
 */

/** The sentence for one event, read against the state after the event was applied. */
export function describe(event: AuditEvent, state: ProgressState): string {
  switch (event.type) {
    case 'phase-started':
      return `phase ${event.phase} ${clean(event.name)} started`;
    case 'phase-finished': {
      const skipped = state.phases.find((p) => p.id === event.phase)?.status === 'skipped';
      const note = event.note ? ` (${clean(event.note)})` : '';
      return skipped ? `phase ${event.phase} ${clean(event.name)} skipped${note}` : `phase ${event.phase} ${clean(event.name)} done: ${plural(event.findings, 'finding')}${note}`;
    }
    case 'agent-started':
      return `agent ${event.agent} started`;
    case 'agent-finished': {
      const agent = state.agents.get(event.agent);
      const took = agent?.startedAt !== undefined && agent.finishedAt !== undefined ? `, ${duration(agent.finishedAt - agent.startedAt)}` : '';
      const note = event.note ? ` (${clean(event.note)})` : '';
      return `agent ${event.agent} ${event.status}: ${plural(event.findings, 'finding')}, ${plural(event.turns, 'turn')}, ${tokens(event.tokens)}, ${usd(event.usd)}${took}${note}`;
    }
    case 'finding':
      return `finding ${event.stopShip ? 'STOP-SHIP ' : ''}${event.severity} phase ${event.phase}: ${clean(event.title)} at ${clean(event.location)} [${clean(event.source)}]`;
    case 'gate':
      return `GATE stop-ship in phase ${event.phase}: ${clean(event.title)} at ${clean(event.location)}; ${gateOutcome(event.decision)} (${event.mode})`;
    case 'budget':
      return `budget ${event.agent}: ${clean(event.reason)}`;
    case 'error':
      return `error: ${clean(event.message)}`;
    case 'verdict':
      return `verdict ${clean(event.rating)}, readiness ${event.readinessScore}/100, ${event.stopShip} stop-ship${event.blocked ? ', blocked' : ''}`;
  }
}

export function gateOutcome(decision: 'continue' | 'stop'): string {
  return decision === 'stop' ? 'the audit stops here' : 'the audit continues';
}

export function plainLine(event: AuditEvent, state: ProgressState, time: Date): string {
  return `${stamp(time)} ${describe(event, state)}\n`;
}

/** JSON escapes every control character, so the event goes out as emitted; `time` is added last. */
export function jsonLine(event: AuditEvent, time: Date): string {
  return `${JSON.stringify({ ...event, time: time.toISOString() })}\n`;
}
