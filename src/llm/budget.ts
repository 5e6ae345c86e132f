import { costUsd, type Usage } from './pricing.js';

/** Per-agent limits. Each is checked before a request is sent, so none is ever exceeded. */
export interface AgentBudget {
  /** Model requests (turns). @default 24 */
  readonly maxTurns: number;
  /** Input tokens over all turns, cached ones included. @default 400_000 */
  readonly maxInputTokens: number;
  /** Output tokens over all turns. @default 32_000 */
  readonly maxOutputTokens: number;
  /** Output tokens one turn may produce (the request's max_tokens). @default 4096 */
  readonly maxTokensPerTurn: number;
  /** Wall time for the whole agent, in ms. @default 600_000 */
  readonly maxWallMs: number;
  /** Wall time for one repository tool call, in ms; one that takes longer is a tool error for the model. @default 60_000 */
  readonly maxToolCallMs: number;
}

export const DEFAULT_AGENT_BUDGET: AgentBudget = {
  maxTurns: 24,
  maxInputTokens: 400_000,
  maxOutputTokens: 32_000,
  maxTokensPerTurn: 4096,
  maxWallMs: 600_000,
  maxToolCallMs: 60_000,
};

/** Tokens a text will cost, roughly: four characters a token. Used only to look one turn ahead. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** The whole audit's spend, shared by every agent: the USD cap is global. */
export class CostMeter {
  private spent = 0;

  constructor(
    readonly model: string,
    readonly maxUsd: number,
  ) {}

  get spentUsd(): number {
    return this.spent;
  }

  record(usage: Usage): number {
    const cost = costUsd(this.model, usage);
    this.spent += cost;
    return cost;
  }

  /** Whether a turn of this size still fits under the cap. */
  affords(inputTokens: number, outputTokens: number): boolean {
    return this.spent + costUsd(this.model, { inputTokens, outputTokens, cacheWriteTokens: 0, cacheReadTokens: 0 }) <= this.maxUsd;
  }
}

/** One agent's running totals, and the question asked before every turn: may another one go out? */
export class AgentMeter {
  turns = 0;
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  usd = 0;
  private lastInput = 0;
  private readonly started = Date.now();

  constructor(
    readonly budget: AgentBudget,
    private readonly cost: CostMeter,
  ) {}

  record(usage: Usage): void {
    this.turns++;
    this.inputTokens += usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    this.outputTokens += usage.outputTokens;
    this.cacheReadTokens += usage.cacheReadTokens;
    this.cacheWriteTokens += usage.cacheWriteTokens;
    this.lastInput = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    this.usd += this.cost.record(usage);
  }

  /**
   * Why the next turn may not go out, or undefined when it may. The next request re-sends the whole
   * conversation: its input is the last input plus the last reply plus what the tools returned.
   */
  refusal(lastOutputTokens: number, addedChars: number): string | undefined {
    const nextInput = Math.ceil((this.lastInput + lastOutputTokens + estimateTokens(addedChars)) * 1.1) + 64;
    const b = this.budget;
    if (this.turns >= b.maxTurns) return `turn budget reached (${b.maxTurns} turns)`;
    if (this.inputTokens + nextInput > b.maxInputTokens) return `input token budget reached (${this.inputTokens} of ${b.maxInputTokens} used; the next turn needs ~${nextInput})`;
    if (this.outputTokens + b.maxTokensPerTurn > b.maxOutputTokens) return `output token budget reached (${this.outputTokens} of ${b.maxOutputTokens} used)`;
    if (Date.now() - this.started >= b.maxWallMs) return `wall-time budget reached (${Math.round(b.maxWallMs / 1000)} s)`;
    if (!this.cost.affords(nextInput, b.maxTokensPerTurn)) return `audit USD budget reached ($${this.cost.spentUsd.toFixed(4)} of $${this.cost.maxUsd} spent)`;
    return undefined;
  }

  /** The first turn: nothing sent yet, so its whole input is known. */
  refusalForFirst(promptChars: number): string | undefined {
    return this.refusal(0, promptChars);
  }

  remainingWallMs(): number {
    return Math.max(0, this.budget.maxWallMs - (Date.now() - this.started));
  }
}
