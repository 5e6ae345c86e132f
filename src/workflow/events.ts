import type { AgentName, PhaseId, Severity } from '../model/taxonomy.js';

/**
 * What an audit tells the outside world as it runs: the progress view renders these, `--json`
 * prints them one per line, the MCP server forwards them as progress notifications. They carry
 * counts, names and locations only — never file content — so they need no redaction beyond titles.
 */
export type AuditEvent =
  | { readonly type: 'phase-started'; readonly phase: PhaseId; readonly name: string }
  | { readonly type: 'phase-finished'; readonly phase: PhaseId; readonly name: string; readonly findings: number; readonly note?: string }
  | { readonly type: 'agent-started'; readonly agent: AgentName }
  | {
      readonly type: 'agent-finished';
      readonly agent: AgentName;
      readonly status: 'completed' | 'partial' | 'failed' | 'cancelled';
      readonly findings: number;
      readonly turns: number;
      readonly tokens: number;
      readonly usd: number;
      readonly note?: string;
    }
  | { readonly type: 'finding'; readonly phase: PhaseId; readonly severity: Severity; readonly title: string; readonly location: string; readonly stopShip: boolean; readonly source: string }
  | { readonly type: 'gate'; readonly phase: PhaseId; readonly title: string; readonly location: string; readonly decision: 'continue' | 'stop'; readonly mode: GateMode }
  | { readonly type: 'budget'; readonly agent: AgentName; readonly reason: string }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'verdict'; readonly rating: string; readonly readinessScore: number; readonly stopShip: number; readonly blocked: boolean };

export type GateMode = 'interactive' | 'fail-fast' | 'report-only';

export type EventSink = (event: AuditEvent) => void;

/** One line of plain text per event: MCP progress notifications and plain logs. */
export function describeEvent(event: AuditEvent): string {
  switch (event.type) {
    case 'phase-started':
      return `phase ${event.phase} ${event.name} started`;
    case 'phase-finished':
      return `phase ${event.phase} ${event.name} finished: ${event.findings} finding(s)${event.note ? ` (${event.note})` : ''}`;
    case 'agent-started':
      return `agent ${event.agent} started`;
    case 'agent-finished':
      return `agent ${event.agent} ${event.status}: ${event.findings} finding(s), ${event.turns} turn(s), ${event.tokens} tokens, $${event.usd.toFixed(4)}${event.note ? ` (${event.note})` : ''}`;
    case 'finding':
      return `${event.stopShip ? 'STOP-SHIP ' : ''}${event.severity} ${event.title} at ${event.location} (phase ${event.phase}, ${event.source})`;
    case 'gate':
      return `gate: stop-ship in phase ${event.phase}: ${event.title} at ${event.location}; ${event.decision === 'stop' ? 'stopping' : 'continuing'} (${event.mode})`;
    case 'budget':
      return `agent ${event.agent} ${event.reason}`;
    case 'error':
      return `error: ${event.message}`;
    case 'verdict':
      return `verdict: ${event.rating}, readiness ${event.readinessScore}/100, ${event.stopShip} stop-ship${event.blocked ? ', blocked' : ''}`;
  }
}
