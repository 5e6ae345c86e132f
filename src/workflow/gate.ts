import type { Finding } from '../model/finding.js';
import type { PhaseId } from '../model/taxonomy.js';
import type { EventSink, GateMode } from './events.js';

export interface GateOptions {
  readonly mode: GateMode;
  /** Interactive mode's question; true means "keep spending on the remaining phases". */
  readonly ask?: (question: string) => Promise<boolean>;
}

export interface GateTrigger {
  readonly phase: PhaseId;
  readonly fingerprint: string;
  readonly title: string;
  readonly location: string;
  readonly decision: 'continue' | 'stop';
  readonly mode: GateMode;
}

/**
 * Blocks progression on the first confirmed stop-ship finding. interactive: asks whether to keep
 * spending; fail-fast: stops at once; report-only (CI): records it and lets the exit code decide.
 * Once answered it does not ask again.
 */
export class StopShipGate {
  private triggered: GateTrigger | undefined;

  constructor(
    private readonly options: GateOptions,
    private readonly emit: EventSink,
  ) {}

  get trigger(): GateTrigger | undefined {
    return this.triggered;
  }

  get stopped(): boolean {
    return this.triggered?.decision === 'stop';
  }

  /** Called with stop-ship findings as they are confirmed; returns whether the audit may go on spending. */
  async check(phase: PhaseId, stopShip: readonly Finding[]): Promise<'continue' | 'stop'> {
    if (this.triggered) return this.triggered.decision;
    const first = stopShip[0];
    if (!first) return 'continue';
    const location = `${first.evidence[0]!.file}:${first.evidence[0]!.startLine}`;
    const decision = await this.decide(phase, first, location, stopShip.length);
    this.triggered = { phase, fingerprint: first.fingerprint, title: first.title, location, decision, mode: this.options.mode };
    this.emit({ type: 'gate', phase, title: first.title, location, decision, mode: this.options.mode });
    return decision;
  }

  private async decide(phase: PhaseId, first: Finding, location: string, count: number): Promise<'continue' | 'stop'> {
    if (this.options.mode === 'fail-fast') return 'stop';
    if (this.options.mode === 'report-only' || !this.options.ask) return 'continue';
    const question = `Stop-ship issue in phase ${phase}: ${first.title} (${location})${count > 1 ? ` and ${count - 1} more` : ''}. Keep spending on the remaining phases?`;
    return (await this.options.ask(question)) ? 'continue' : 'stop';
  }
}
