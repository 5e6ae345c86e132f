import { PHASES, type PhaseId } from '../model/taxonomy.js';
import type { EventSink } from './events.js';

export type PhaseState = 'pending' | 'running' | 'done' | 'skipped';

const ALLOWED: Record<PhaseState, readonly PhaseState[]> = {
  pending: ['running', 'skipped'],
  running: ['done'],
  done: [],
  skipped: [],
};

/**
 * The nine phases as an explicit state machine: each goes pending → running → done, or pending →
 * skipped. A transition outside that is a bug in the workflow and throws; every transition is an
 * event.
 */
export class PhaseMachine {
  private readonly states = new Map<PhaseId, PhaseState>(PHASES.map((p) => [p.id, 'pending']));
  private readonly findings = new Map<PhaseId, number>();

  constructor(private readonly emit: EventSink) {}

  state(phase: PhaseId): PhaseState {
    return this.states.get(phase)!;
  }

  start(...phases: PhaseId[]): void {
    for (const phase of phases) {
      this.move(phase, 'running');
      this.emit({ type: 'phase-started', phase, name: nameOf(phase) });
    }
  }

  countFinding(phase: PhaseId): void {
    this.findings.set(phase, (this.findings.get(phase) ?? 0) + 1);
  }

  finish(phase: PhaseId, note?: string): void {
    this.move(phase, 'done');
    this.emit({ type: 'phase-finished', phase, name: nameOf(phase), findings: this.findings.get(phase) ?? 0, ...(note ? { note } : {}) });
  }

  skip(phase: PhaseId, note: string): void {
    this.move(phase, 'skipped');
    this.emit({ type: 'phase-finished', phase, name: nameOf(phase), findings: 0, note });
  }

  /** Phases that ran or were skipped, in order; what the report records. */
  summary(): { phase: PhaseId; name: string; state: PhaseState; findings: number }[] {
    return PHASES.map((p) => ({ phase: p.id, name: p.name, state: this.state(p.id), findings: this.findings.get(p.id) ?? 0 }));
  }

  private move(phase: PhaseId, to: PhaseState): void {
    const from = this.state(phase);
    if (!ALLOWED[from].includes(to)) throw new Error(`Phase ${phase} cannot go from ${from} to ${to}`);
    this.states.set(phase, to);
  }
}

export function nameOf(phase: PhaseId): string {
  return PHASES.find((p) => p.id === phase)!.name;
}
