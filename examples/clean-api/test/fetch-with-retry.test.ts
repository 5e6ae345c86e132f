import { afterEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../src/lib/errors.js';
import { backoffDelay, fetchWithRetry } from '../src/lib/fetch-with-retry.js';

const fast = { baseDelayMs: 1, maxDelayMs: 2 };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('fetchWithRetry', () => {
  it('returns the first non-retryable response without retrying', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response('nope', { status: 422 }));
    vi.stubGlobal('fetch', fetchMock);

    const response = await fetchWithRetry('https://api.example.com/x', {}, fast);

    expect(response.status).toBe(422);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('retries transient statuses and network errors, then succeeds', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(new Response('busy', { status: 503 }))
      .mockRejectedValueOnce(new TypeError('fetch failed'))
      .mockResolvedValueOnce(new Response('{}', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);

    const response = await fetchWithRetry('https://api.example.com/x', {}, { ...fast, attempts: 3 });

    expect(response.status).toBe(200);
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it('gives up after the configured number of attempts', async () => {
    const fetchMock = vi.fn().mockRejectedValue(new DOMException('timed out', 'TimeoutError'));
    vi.stubGlobal('fetch', fetchMock);

    await expect(fetchWithRetry('https://api.example.com/x', { method: 'POST' }, { ...fast, attempts: 4 })).rejects.toBeInstanceOf(UpstreamError);
    expect(fetchMock).toHaveBeenCalledTimes(4);
  });

  it('passes a timeout signal on every attempt', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response('{}', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);

    await fetchWithRetry('https://api.example.com/x', {}, { timeoutMs: 1234 });

    expect(fetchMock.mock.calls[0]?.[1]?.signal).toBeInstanceOf(AbortSignal);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially and never exceeds the cap', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const ceiling = Math.min(4_000, 250 * 2 ** (attempt - 1));
      const delay = backoffDelay(attempt, 250, 4_000);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});
