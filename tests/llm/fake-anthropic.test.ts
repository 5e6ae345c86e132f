import Anthropic from '@anthropic-ai/sdk';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  byAgent,
  cachedPrefix,
  countOutputTokens,
  countTokens,
  inOrder,
  startFakeAnthropic,
  text,
  toolUse,
  type FakeAnthropic,
  type FakeOptions,
  type RequestBlock,
  type Step,
} from '../helpers/fake-anthropic.js';

const MODEL = 'claude-fake-1';
const OK: Step = { reply: [text('ok')] };

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeOptions): Promise<FakeAnthropic> {
  fake = await startFakeAnthropic(options);
  return fake;
}

function client(f: FakeAnthropic, options: { maxRetries?: number; timeout?: number } = {}): Anthropic {
  return new Anthropic({ baseURL: f.baseURL, apiKey: 'test-key', maxRetries: options.maxRetries ?? 2, timeout: options.timeout ?? 5_000 });
}

function ask(c: Anthropic, system = 'You are the security agent.') {
  return c.messages.create({ model: MODEL, max_tokens: 256, system, messages: [{ role: 'user', content: 'Audit the repo.' }] });
}

function toolResults(body: unknown): RequestBlock[] {
  const messages = (body as { messages: Array<{ content: string | RequestBlock[] }> }).messages;
  return messages.flatMap((m) => (Array.isArray(m.content) ? m.content.filter((b) => b.type === 'tool_result') : []));
}

describe('fake Anthropic API driven by the real SDK', () => {
  it('a plain reply round-trips and its usage follows countTokens', async () => {
    const f = await start({ script: byAgent({ security: [{ reply: [text('All clear.')] }] }) });
    const c = client(f);
    const message = await ask(c);

    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: MODEL, stop_reason: 'end_turn', stop_sequence: null });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: 'All clear.' }]);
    const recorded = f.requests[0]!;
    expect(recorded).toMatchObject({ index: 0, agent: 'security', route: 'messages', outcome: 'reply', status: 200, inFlightAtStart: 1 });
    // SDK v1 sends the key as a bearer token, not x-api-key.
    expect(recorded.headers['authorization']).toBe('Bearer test-key');
    expect(JSON.parse(recorded.rawBody)).toEqual(recorded.body);
    expect(message.usage).toMatchObject({
      input_tokens: countTokens(recorded.body),
      output_tokens: countOutputTokens([{ type: 'text', text: 'All clear.' }]),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(recorded.finishedAt).toBeGreaterThanOrEqual(recorded.startedAt);

    // count_tokens counts the same way; later turns of a finished script get the fallback.
    const counted = await c.messages.countTokens({ model: MODEL, system: 'You are the security agent.', messages: [{ role: 'user', content: 'Audit the repo.' }] });
    expect(counted.input_tokens).toBe(message.usage.input_tokens);
    expect((await ask(c)).content).toEqual([{ type: 'text', text: 'Done.' }]);
  });

  it('an unknown route is a 404 with an Anthropic-shaped error body', async () => {
    const f = await start({ script: () => OK });
    const error = await client(f).models.retrieve('claude-fake-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(f.requests[0]).toMatchObject({ route: 'unknown', outcome: 'error', status: 404 });
  });

  it('429 with retry-after: 0 then success: the SDK retries (after its own back-off, since 0 is ignored) and succeeds', async () => {
    const f = await start({ script: inOrder([{ status: 429, retryAfter: 0 }]) });
    const started = Date.now();
    const message = await ask(client(f));
    expect(message.content).toEqual([{ type: 'text', text: 'Done.' }]);
    expect(f.requests.map((r) => [r.outcome, r.status])).toEqual([['error', 429], ['reply', 200]]);
    expect(f.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
    // retry-after: 0 is not "retry now": the SDK only honours a positive delay, else backs off 0.5 s × (0.75–1).
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it('429 with a small positive retry-after is honoured: the retry comes at once', async () => {
    const f = await start({ script: inOrder([{ status: 429, retryAfter: 0.001 }, { status: 429, retryAfterMs: 1 }]) });
    const started = Date.now();
    await ask(client(f));
    expect(f.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('429 with maxRetries 0 throws RateLimitError carrying the body and retry-after', async () => {
    const f = await start({ script: () => ({ status: 429, retryAfter: 7, message: 'slow down' }) });
    const error = await ask(client(f, { maxRetries: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const e = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.type).toBe('rate_limit_error');
    expect(e.apiMessage).toBe('slow down');
    expect(e.headers.get('retry-after')).toBe('7');
    expect(e.requestID).toMatch(/^req_/);
    expect(f.requests).toHaveLength(1);
  });

  it('529 then success: the SDK retries overloaded', async () => {
    const f = await start({ script: inOrder([{ status: 529, retryAfter: 0.001 }]) });
    await ask(client(f));
    expect(f.requests.map((r) => r.status)).toEqual([529, 200]);
  });

  it('500 then success, and 503 then success', async () => {
    const f = await start({ script: inOrder([{ status: 500, retryAfter: 0.001 }, { status: 503, retryAfter: 0.001 }]) });
    await ask(client(f));
    expect(f.requests.map((r) => r.status)).toEqual([500, 503, 200]);
  });

  it('errors after the last retry surface as the status class: OverloadedError for 529', async () => {
    const f = await start({ script: () => ({ status: 529, retryAfter: 0.001 }) });
    const error = await ask(client(f, { maxRetries: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
    expect(f.requests).toHaveLength(3);
  });

  it('400 and 401 are not retried', async () => {
    const f = await start({ script: inOrder([{ status: 400, message: 'bad' }, { status: 401 }]) });
    const c = client(f);
    await expect(ask(c)).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(ask(c)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(f.requests.map((r) => r.status)).toEqual([400, 401]);
  });

  it('a stall longer than the client timeout: the SDK times out, retries and succeeds', async () => {
    const f = await start({ script: inOrder([{ stall: 2_000 }]) });
    const started = Date.now();
    const message = await ask(client(f, { timeout: 200, maxRetries: 1 }));
    expect(message.content).toEqual([{ type: 'text', text: 'Done.' }]);
    expect(f.requests.map((r) => r.outcome)).toEqual(['stall', 'reply']);
    expect(f.requests[0]).toMatchObject({ clientAborted: true, status: null });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a stall with maxRetries 0 throws APIConnectionTimeoutError', async () => {
    const f = await start({ script: () => ({ stall: 2_000 }) });
    const error = await ask(client(f, { timeout: 150, maxRetries: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(f.requests).toHaveLength(1);
  });

  it('a stall shorter than the timeout answers with its `then` step', async () => {
    const f = await start({ script: () => ({ stall: 30, then: { reply: [text('late')] } }) });
    const message = await ask(client(f));
    expect(message.content).toEqual([{ type: 'text', text: 'late' }]);
    expect(f.requests[0]).toMatchObject({ outcome: 'stall', status: 200, clientAborted: false });
  });

  it('hang-up surfaces as APIConnectionError after the retries', async () => {
    const f = await start({ script: () => ({ hangUp: true }) });
    const error = await ask(client(f, { maxRetries: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(error).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    expect(f.requests.map((r) => [r.outcome, r.status, r.clientAborted])).toEqual([
      ['hangup', null, false],
      ['hangup', null, false],
    ]);
  });

  it('a malformed JSON body is not retried and surfaces as a SyntaxError, not an APIError', async () => {
    const f = await start({ script: () => ({ malformedJson: true }) });
    const error = await ask(client(f)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error).not.toBeInstanceOf(Anthropic.APIError);
    expect(f.requests).toHaveLength(1);
    expect(f.requests[0]).toMatchObject({ outcome: 'malformed', status: 200 });
  });

  it('tool_use round trip through the beta toolRunner with a betaZodTool; invalid input comes back as is_error', async () => {
    const calls: string[] = [];
    const readFile = betaZodTool({
      name: 'read_file',
      description: 'Read a file of the repository.',
      inputSchema: z.object({ path: z.string() }),
      run: ({ path }) => {
        calls.push(path);
        return `contents of ${path}`;
      },
    });
    const f = await start({
      script: byAgent({
        security: [
          { reply: [text('Let me look.'), toolUse('read_file', { path: 'src/app.ts' }, 'toolu_good')] },
          { reply: [toolUse('read_file', { path: 42 }, 'toolu_bad')] },
          { reply: [text('Finished.')] },
        ],
      }),
    });
    const system = [{ type: 'text' as const, text: 'You are the security agent.', cache_control: { type: 'ephemeral' as const } }];
    const runner = client(f).beta.messages.toolRunner({
      model: MODEL,
      max_tokens: 512,
      system,
      messages: [{ role: 'user', content: 'Audit the repo.' }],
      tools: [readFile],
    });
    const stops: Array<string | null> = [];
    for await (const message of runner) stops.push(message.stop_reason);

    expect(stops).toEqual(['tool_use', 'tool_use', 'end_turn']);
    expect(calls).toEqual(['src/app.ts']);
    expect(f.requests).toHaveLength(3);
    expect(f.requests.every((r) => r.agent === 'security' && r.outcome === 'reply')).toBe(true);
    // The beta endpoint is POST /v1/messages (this SDK sends no ?beta=true) with the threads beta header.
    expect(f.requests[0]!.url).toMatch(/^\/v1\/messages(\?beta=true)?$/);
    expect(String(f.requests[0]!.headers['anthropic-beta'])).toContain('message-threads-');

    // Turn 1 creates a thread; later turns continue it with only the new messages and no system/tools.
    const [first, second, third] = f.requests as [typeof f.requests[0], typeof f.requests[0], typeof f.requests[0]];
    expect(first!.body.thread).toEqual({ type: 'create' });
    expect(first!.body.tools?.[0]).toMatchObject({ name: 'read_file', input_schema: { type: 'object' } });
    expect(second!.thread).toEqual({ type: 'continue', previousMessageId: first!.response!.id });
    expect(second!.body.system).toBeUndefined();
    expect(second!.body.messages).toHaveLength(1);
    expect(second!.effective!.messages).toHaveLength(3);

    expect(toolResults(second!.body)).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_good', content: 'contents of src/app.ts' }]);
    const [bad] = toolResults(third!.body);
    expect(bad).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_bad', is_error: true });
    expect(String(bad!['content'])).toMatch(/^Error: /);
    expect(String(bad!['content'])).toContain('path');

    // Usage is over the whole conversation the server holds, and the system prefix is read from the cache.
    expect(third!.response!.usage.cache_read_input_tokens).toBe(cachedPrefix(third!.effective!)!.tokens);
    const u = third!.response!.usage;
    expect(u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens).toBe(countTokens(third!.effective!));
  });

  it('toolRunner with thread: false re-sends the full history each turn', async () => {
    const echo = betaZodTool({ name: 'echo', description: 'Echo.', inputSchema: z.object({ s: z.string() }), run: ({ s }) => s });
    const f = await start({ script: byAgent({ quality: [{ reply: [toolUse('echo', { s: 'x' })] }] }) });
    const runner = client(f).beta.messages.toolRunner({
      model: MODEL,
      max_tokens: 512,
      system: 'You are the quality agent.',
      messages: [{ role: 'user', content: 'go' }],
      tools: [echo],
      thread: false,
    });
    const final = await runner.runUntilDone();
    expect(final.stop_reason).toBe('end_turn');
    expect(f.requests.map((r) => r.body.thread ?? null)).toEqual([null, null]);
    expect(f.requests[1]!.body.messages).toHaveLength(3);
    expect(f.requests[1]!.agent).toBe('quality');
  });

  it('an endpoint that rejects `thread` breaks the default toolRunner; one that says thread_unsupported_request does not', async () => {
    const echo = betaZodTool({ name: 'echo', description: 'Echo.', inputSchema: z.object({ s: z.string() }), run: ({ s }) => s });
    const params = { model: MODEL, max_tokens: 512, system: 'You are the quality agent.', messages: [{ role: 'user' as const, content: 'go' }], tools: [echo] };

    const rejecting = await start({ threads: 'rejected', script: () => OK });
    await expect(client(rejecting).beta.messages.toolRunner(params).runUntilDone()).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await rejecting.close();

    const unsupported = await start({ threads: 'unsupported', script: () => OK });
    const final = await client(unsupported).beta.messages.toolRunner(params).runUntilDone();
    expect(final.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(unsupported.requests.map((r) => [r.status, r.body.thread ?? null])).toEqual([
      [400, { type: 'create' }],
      [200, null],
    ]);
  });

  it('holdUntilInFlight proves 4 parallel messages.create calls were in flight at once', async () => {
    const f = await start({ script: () => OK, holdUntilInFlight: { count: 4, timeoutMs: 2_000 } });
    const c = client(f);
    const started = Date.now();
    const replies = await Promise.all([1, 2, 3, 4].map(() => ask(c)));
    expect(replies).toHaveLength(4);
    expect(f.maxInFlight).toBeGreaterThanOrEqual(4);
    expect(Math.max(...f.requests.map((r) => r.inFlightAtStart))).toBe(4);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(f.inFlight).toBe(0);
  });

  it('prompt caching: a second request with the same cache_control system prefix reads it from the cache', async () => {
    const f = await start({ script: () => OK });
    const c = client(f);
    const system = [
      { type: 'text' as const, text: 'You are the reliability agent. '.repeat(20) },
      { type: 'text' as const, text: 'System map: {...}', cache_control: { type: 'ephemeral' as const } },
    ];
    const send = (question: string) =>
      c.messages.create({ model: MODEL, max_tokens: 64, system, messages: [{ role: 'user', content: question }] });
    const first = await send('first question');
    const second = await send('a second, longer question');

    const prefix = cachedPrefix(f.requests[0]!.body)!;
    expect(first.usage.cache_creation_input_tokens).toBe(prefix.tokens);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_read_input_tokens).toBe(prefix.tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    const u = second.usage;
    expect(u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0)).toBe(countTokens(f.requests[1]!.body));
  });

  it('stream: true is answered with SSE events the SDK assembles into the same message', async () => {
    const f = await start({ script: () => ({ reply: [text('streamed text'), toolUse('read_file', { path: 'a.ts', n: [1, 2] }, 'toolu_s')] }) });
    const stream = client(f).messages.stream({ model: MODEL, max_tokens: 64, system: 'sys', messages: [{ role: 'user', content: 'hi' }] });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: 'text', text: 'streamed text' },
      { type: 'tool_use', id: 'toolu_s', name: 'read_file', input: { path: 'a.ts', n: [1, 2] } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject(f.requests[0]!.response!.usage);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(f.requests[0]!.body.stream).toBe(true);
  });

  it('close() ends stalled requests so they do not keep the process alive', async () => {
    const f = await start({ script: () => ({ stall: 60_000 }) });
    const pending = ask(client(f, { maxRetries: 0, timeout: 60_000 })).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(f.inFlight).toBe(1);
    const started = Date.now();
    await f.close();
    expect(await pending).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('fake Anthropic API: checks the real API makes', () => {
  it('a tool_use left without a tool_result in the next message is a 400, as on the real API', async () => {
    const f = await start({ script: () => OK });
    const error = await client(f)
      .messages.create({
        model: MODEL,
        max_tokens: 64,
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_x', name: 'read_file', input: {} }] },
          { role: 'user', content: 'no result here' },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('toolu_x');
    expect(f.requests[0]).toMatchObject({ outcome: 'error', status: 400, usage: { input_tokens: 0, output_tokens: 0 } });
  });

  it('with apiKey set, a wrong key is a 401 AuthenticationError', async () => {
    const f = await start({ script: () => OK, apiKey: 'right-key' });
    await expect(ask(client(f))).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const right = new Anthropic({ baseURL: f.baseURL, apiKey: 'right-key', maxRetries: 0 });
    await expect(ask(right)).resolves.toMatchObject({ stop_reason: 'end_turn' });
  });

  it('the engine loop shape (for await + generateToolResponse) runs each tool once and records usage per request', async () => {
    let runs = 0;
    const finish = betaZodTool({ name: 'finish', description: 'Finish.', inputSchema: z.object({ summary: z.string() }), run: () => `done ${++runs}` });
    const f = await start({ script: byAgent({ 'ops-auditor': [{ reply: [toolUse('finish', { summary: 's' })] }] }) });
    const runner = client(f).beta.messages.toolRunner({
      model: MODEL,
      max_tokens: 64,
      system: [{ type: 'text', text: 'You are the ops-auditor.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'go' }],
      tools: [finish],
    });
    const seen: number[] = [];
    for await (const message of runner) {
      seen.push(message.usage.input_tokens);
      if (message.stop_reason !== 'tool_use') break;
      const response = await runner.generateToolResponse();
      expect(response?.content).toMatchObject([{ type: 'tool_result', content: 'done 1' }]);
    }
    expect(runs).toBe(1);
    expect(f.requests.map((r) => r.usage.input_tokens)).toEqual(seen);
    expect(f.requests[1]!.usage.cache_read_input_tokens).toBeGreaterThan(0);
  });
});
