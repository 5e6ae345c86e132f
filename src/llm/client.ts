import Anthropic from '@anthropic-ai/sdk';
import PQueue from 'p-queue';

export { DEFAULT_MODEL } from './defaults.js';

export interface LlmOptions {
  readonly apiKey: string;
  /** Any Messages-API-compatible endpoint. @default the SDK's (api.anthropic.com) */
  readonly baseURL?: string;
  /** @default DEFAULT_MODEL */
  readonly model?: string;
  /** One request's time limit in ms; a stalled request is abandoned and retried. @default 120_000 */
  readonly requestTimeoutMs?: number;
  /** Retries of 429, 5xx, 529 and timeouts, with the SDK's back-off and retry-after. @default 3 */
  readonly maxRetries?: number;
  /** Requests started per minute across all agents. @default 50 */
  readonly requestsPerMinute?: number;
}

/**
 * The Anthropic client every agent shares. Requests pass through one rate-limit queue (requests per
 * minute) in front of fetch, so retries are limited too; retries and back-off are the SDK's own.
 */
export function createClient(options: LlmOptions): Anthropic {
  const limiter = new PQueue({ intervalCap: options.requestsPerMinute ?? 50, interval: 60_000 });
  const limitedFetch: typeof fetch = (input, init) => limiter.add(() => fetch(input, init)) as Promise<Response>;
  return new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.requestTimeoutMs ?? 120_000,
    maxRetries: options.maxRetries ?? 3,
    fetch: limitedFetch,
  });
}
