/** List prices in USD per million tokens. Cache writes cost 1.25× input, cache reads 0.1×. */
interface Price {
  readonly input: number;
  readonly output: number;
}

const BY_FAMILY: readonly [RegExp, Price][] = [
  [/opus/i, { input: 15, output: 75 }],
  [/haiku/i, { input: 1, output: 5 }],
  [/sonnet/i, { input: 3, output: 15 }],
];
/** Unknown models (a compatible endpoint's own) are priced as the mid tier, so a USD cap still bites. */
const FALLBACK: Price = { input: 3, output: 15 };

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheWriteTokens: number;
  readonly cacheReadTokens: number;
}

export function priceOf(model: string): Price {
  return BY_FAMILY.find(([pattern]) => pattern.test(model))?.[1] ?? FALLBACK;
}

export function costUsd(model: string, usage: Usage): number {
  const price = priceOf(model);
  const input = usage.inputTokens + usage.cacheWriteTokens * 1.25 + usage.cacheReadTokens * 0.1;
  return (input * price.input + usage.outputTokens * price.output) / 1_000_000;
}
