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
      readonly status: 'completed' | 'partial' | 'failed';
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
