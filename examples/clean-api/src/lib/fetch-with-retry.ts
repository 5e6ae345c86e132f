import { UpstreamError } from './errors.js';

export interface RetryOptions {
  /** Total tries, including the first. */
  attempts?: number;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential back-off with "equal jitter": half fixed, half random, capped at maxDelayMs. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * fetch with a timeout on every attempt and a bounded number of retries for network errors,
 * timeouts and transient statuses. Other responses (including 4xx) are returned to the caller as-is.
 */
export async function fetchWithRetry(url: string, init: RequestInit = {}, options: RetryOptions = {}): Promise<Response> {
  const { attempts = 3, timeoutMs = 5_000, baseDelayMs = 250, maxDelayMs = 4_000 } = options;
  let lastError: unknown;

  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      if (!RETRYABLE_STATUS.has(response.status) || attempt === attempts) return response;
      lastError = new Error(`HTTP ${response.status}`);
      await response.body?.cancel();
    } catch (err) {
      lastError = err;
    }
    if (attempt < attempts) await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs));
  }

  throw new UpstreamError(`${init.method ?? 'GET'} ${new URL(url).host} failed after ${attempts} attempts`, { cause: lastError });
}
