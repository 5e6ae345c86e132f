/**
 * A local stand-in for the Anthropic Messages API: an HTTP server on 127.0.0.1 that answers with scripted replies
 * and faults, in the wire format the real `@anthropic-ai/sdk` (v1.x) reads, so the SDK's own retry, timeout and
 * tool-runner code can be tested offline.
 *
 *   const fake = await startFakeAnthropic({ script: byAgent({ security: [{ reply: [toolUse('finish', {})] }] }) });
 *   const client = new Anthropic({ baseURL: fake.baseURL, apiKey: 'test-key' });
 *   ...
 *   await fake.close();
 *
 * What it models beyond one reply per request:
 * - message threads (`thread: { type: 'create' | 'continue' }`), which `client.beta.messages.toolRunner()` uses by
 *   default in SDK v1: a `continue` request carries no `system`/`tools` and only the new messages, so the fake keeps
 *   each thread's conversation and works on the full one (`RecordedRequest.effective`) for agent matching, usage and
 *   validation;
 * - prompt caching of the system prefix up to the last `cache_control` block;
 * - the API's rule that every `tool_use` is answered by a `tool_result` in the next message.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// ---------------------------------------------------------------------------------------------------------------
// Wire types

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

/** A content block of a scripted reply. */
export type ContentBlock = TextBlock | ToolUseBlock;

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** A reply as it goes over the wire. */
export interface FakeMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: Usage;
}

/** A request block as the SDK sends it; loose on purpose, for assertions. */
export type RequestBlock = { type: string; [key: string]: any };

export interface RequestMessage {
  role: 'user' | 'assistant' | string;
  content: string | RequestBlock[];
}

export interface SystemTextBlock {
  type: 'text';
  text: string;
  cache_control?: { type: string; ttl?: string } | null;
}

/**
 * The parsed JSON of a request (what `messages.create` and `count_tokens` send), typed for a valid request: the fake
 * answers one without `model`/`messages` with a 400 (outcome `error`) but records its body as it came.
 */
export interface RequestBody {
  model: string;
  max_tokens?: number;
  system?: string | SystemTextBlock[];
  messages: RequestMessage[];
  tools?: Array<Record<string, any>>;
  stream?: boolean;
  thread?: { type: 'create' } | { type: 'continue'; previous_message_id: string } | null;
  [key: string]: unknown;
}

/** The conversation the server works on: the request itself, or for a thread `continue` the thread's state plus it. */
export interface EffectiveRequest {
  model: string;
  system: string | SystemTextBlock[] | undefined;
  tools: Array<Record<string, any>> | undefined;
  messages: RequestMessage[];
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

export interface ReplyStep {
  reply: ContentBlock[];
  /** @default 'tool_use' when any block is a tool_use, else 'end_turn' */
  stopReason?: StopReason;
}

export type ErrorStatus = 400 | 401 | 429 | 500 | 503 | 529;

export interface ErrorStep {
  status: ErrorStatus;
  /**
   * Seconds, sent as `retry-after`. The SDK (v1.12) honours it only when > 0: `retryAfter: 0` falls back to its own
   * back-off (≈0.375–0.5 s for the first retry). Fractions work (`0.001` is a 1 ms wait).
   */
  retryAfter?: number;
  /** Milliseconds, sent as `retry-after-ms`, which the SDK prefers over `retry-after`. */
  retryAfterMs?: number;
  message?: string;
  /** Sends `x-should-retry`, which overrides the SDK's own retry decision either way. */
  shouldRetry?: boolean;
  /** Sent as `error.details.error_code`; the SDK maps some `status + code` pairs to their own error classes. */
  errorCode?: string;
}

export interface StallStep {
  /** Milliseconds before anything (even headers) is sent. */
  stall: number;
  /** What to answer after the stall. @default a short text reply */
  then?: Step;
}

export interface HangUpStep {
  /** Destroy the socket without any response. */
  hangUp: true;
}

export interface MalformedStep {
  /** Status 200, `content-type: application/json`, and half a JSON body (for `stream: true`: an SSE event with it). */
  malformedJson: true;
}

export type Step = ReplyStep | ErrorStep | StallStep | HangUpStep | MalformedStep;

export type Script = (request: RecordedRequest) => Step | Promise<Step>;

// ---------------------------------------------------------------------------------------------------------------
// Recording

export type Outcome = 'pending' | 'reply' | 'error' | 'stall' | 'hangup' | 'malformed';

export interface RecordedRequest {
  /** 0-based arrival order. */
  index: number;
  /** The `byAgent` key matched, or null. */
  agent: string | null;
  method: string;
  url: string;
  route: 'messages' | 'count_tokens' | 'unknown';
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body; `{}` when it was not JSON (see `rawBody`). */
  body: RequestBody;
  /** The full conversation this request stands for (thread state resolved); null for unknown routes and bad JSON. */
  effective: EffectiveRequest | null;
  /** The request's `thread` field, simplified. */
  thread: { type: 'create' } | { type: 'continue'; previousMessageId: string } | null;
  startedAt: number;
  /** When the response ended or the connection closed; null while in flight. */
  finishedAt: number | null;
  /** Requests in flight when this one arrived, itself included. */
  inFlightAtStart: number;
  /**
   * `pending` until a step is chosen (e.g. while held by `holdUntilInFlight`). A stall stays `stall` whatever follows
   * it; protocol rejections (bad JSON, unknown route, thread errors, validation) are `error`.
   */
  outcome: Outcome;
  /** HTTP status sent, or null when none was (hang-up, client gone during a stall). */
  status: number | null;
  /** The message sent, for replies (also after a stall, and the full one behind a malformed body). */
  response: FakeMessage | null;
  /** `response.usage` when a message was built, else all zeros (nothing billed). */
  usage: Usage;
  /** True when the client closed the connection before a response was sent. */
  clientAborted: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Options and handle

export interface FakeOptions {
  script: Script;
  /**
   * Hold the first requests (unanswered) until `count` are in flight at once, or `timeoutMs` after the first was held;
   * then release them all. Later requests are not held.
   */
  holdUntilInFlight?: { count: number; timeoutMs: number; /** Hold only the requests this accepts (others pass and do not count). */ only?: (body: RequestBody) => boolean };
  /**
   * How the server treats a `thread` field:
   * - `supported` (default): threads are kept, as the real API does;
   * - `unsupported`: 400 with `error_code: 'thread_unsupported_request'`, which the tool runner recovers from by
   *   re-sending unthreaded;
   * - `rejected`: a plain 400 `invalid_request_error` (what a Messages-compatible endpoint that doesn't know the field
   *   would say), which the SDK does not recover from.
   */
  threads?: 'supported' | 'unsupported' | 'rejected';
  /** Check that every `tool_use` is answered by a `tool_result` in the next message, like the API. @default true */
  validateToolResults?: boolean;
  /**
   * When set, a request whose key (`authorization: Bearer KEY`, which SDK v1 sends, or `x-api-key: KEY`) differs gets
   * 401 `authentication_error`.
   */
  apiKey?: string;
}

export interface FakeAnthropic {
  /** `http://127.0.0.1:PORT`, for `new Anthropic({ baseURL, apiKey: 'test-key' })`. */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** High-water mark of requests in flight at once. */
  readonly maxInFlight: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /** Stops listening, releases held and stalled requests and destroys every open socket. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for scripts

let toolUseCounter = 0;

export function text(s: string): TextBlock {
  return { type: 'text', text: s };
}

/** A tool_use block; ids are `toolu_` + a process-wide counter unless given. */
export function toolUse(name: string, input: unknown, id?: string): ToolUseBlock {
  return { type: 'tool_use', id: id ?? `toolu_${String(++toolUseCounter).padStart(4, '0')}`, name, input };
}

/** The default last step of an agent's script, and the default reply after a stall. */
export const DEFAULT_FINAL_STEP: ReplyStep = { reply: [text('Done.')], stopReason: 'end_turn' };

/** The text of a system prompt, string or blocks. */
export function systemText(system: RequestBody['system']): string {
  if (system === undefined || system === null) return '';
  if (typeof system === 'string') return system;
  return system.map((b) => (typeof b?.text === 'string' ? b.text : '')).join('\n');
}

/**
 * A script that picks the agent by the first `scripts` key found in the request's system prompt (for a thread
 * `continue`, the thread's), replays that agent's steps in order, and after the last repeats `fallback`.
 * Sets `request.agent`. A request that names no agent gets `fallback`.
 */
export function byAgent(scripts: Record<string, Step[]>, fallback: Step = DEFAULT_FINAL_STEP): Script {
  const next = new Map<string, number>();
  const names = Object.keys(scripts);
  return (request) => {
    const system = systemText(request.effective?.system ?? request.body.system);
    const agent = names.find((name) => system.includes(name)) ?? null;
    request.agent = agent;
    if (agent === null) return fallback;
    const i = next.get(agent) ?? 0;
    next.set(agent, i + 1);
    return scripts[agent]![i] ?? fallback;
  };
}

/** A script that answers with `steps` in order, then repeats `fallback`. */
export function inOrder(steps: Step[], fallback: Step = DEFAULT_FINAL_STEP): Script {
  let i = 0;
  return () => steps[i++] ?? fallback;
}

// ---------------------------------------------------------------------------------------------------------------
// Token counting

type Countable = Pick<RequestBody, 'system' | 'messages' | 'tools'>;

/** Total input tokens of a request: `ceil(JSON.stringify({ system, messages, tools }).length / 4)`. */
export function countTokens(body: Countable): number {
  return Math.ceil(JSON.stringify({ system: body.system, messages: body.messages, tools: body.tools }).length / 4);
}

/** Output tokens of a reply: `ceil(JSON.stringify(content).length / 4)`. */
export function countOutputTokens(content: ContentBlock[]): number {
  return Math.ceil(JSON.stringify(content).length / 4);
}

/**
 * The cacheable system prefix — the system text up to and including the last block with `cache_control` — and its
 * tokens (`ceil(text.length / 4)`), or null when no system block has `cache_control`.
 */
export function cachedPrefix(body: Countable): { text: string; tokens: number } | null {
  const system = body.system;
  if (!Array.isArray(system)) return null;
  let last = -1;
  system.forEach((block, i) => {
    if (block && block.cache_control) last = i;
  });
  if (last < 0) return null;
  const prefix = system
    .slice(0, last + 1)
    .map((b) => b.text ?? '')
    .join('');
  return { text: prefix, tokens: Math.ceil(prefix.length / 4) };
}

// ---------------------------------------------------------------------------------------------------------------
// Server

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

const DEFAULT_ERROR_MESSAGES: Record<number, string> = {
  400: 'Invalid request (scripted).',
  401: 'invalid x-api-key',
  429: 'Number of request tokens has exceeded your per-minute rate limit (scripted).',
  500: 'Internal server error (scripted).',
  503: 'Service unavailable (scripted).',
  529: 'Overloaded',
};

interface ThreadEntry {
  model: string;
  system: EffectiveRequest['system'];
  tools: EffectiveRequest['tools'];
  /** The whole conversation, ending with the reply stored under this id. */
  history: RequestMessage[];
  continued: boolean;
  continuing: boolean;
}

/** An error the server sends on its own (not scripted). */
class Rejection {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly errorCode?: string,
    readonly details?: Record<string, unknown>,
    readonly shouldRetry?: boolean,
  ) {}
}

export async function startFakeAnthropic(options: FakeOptions): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const threads = new Map<string, ThreadEntry>();
  const seenCachePrefixes = new Set<string>();
  const closing = new AbortController();
  let inFlight = 0;
  let maxInFlight = 0;
  let messageCounter = 0;
  let requestCounter = 0;

  // holdUntilInFlight
  const hold = options.holdUntilInFlight;
  let holdReleased = !hold;
  let holdTimer: NodeJS.Timeout | undefined;
  const held: Array<() => void> = [];
  const releaseHold = () => {
    holdReleased = true;
    if (holdTimer) clearTimeout(holdTimer);
    for (const release of held.splice(0)) release();
  };
  closing.signal.addEventListener('abort', releaseHold, { once: true });

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      // A bug in the fake itself: answer loudly, never retryable.
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, errorBody(500, `fake-anthropic internal error: ${String(error)}`), { 'x-should-retry': 'false' });
      }
    });
  });
  server.keepAliveTimeout = 1_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const url = req.url ?? '/';
    const pathname = new URL(url, 'http://127.0.0.1').pathname.replace(/\/+$/, '');
    const route: RecordedRequest['route'] =
      req.method === 'POST' && pathname === '/v1/messages' ? 'messages'
      : req.method === 'POST' && pathname === '/v1/messages/count_tokens' ? 'count_tokens'
      : 'unknown';
    const record: RecordedRequest = {
      index: requests.length,
      agent: null,
      method: req.method ?? 'GET',
      url,
      route,
      headers: req.headers,
      rawBody: '',
      body: {} as RequestBody,
      effective: null,
      thread: null,
      startedAt,
      finishedAt: null,
      inFlightAtStart: inFlight,
      outcome: 'pending',
      status: null,
      response: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      clientAborted: false,
    };
    requests.push(record);
    const requestId = `req_fake${String(++requestCounter).padStart(6, '0')}`;

    // Aborted when the client goes away before the response is complete, or the fake closes.
    const gone = new AbortController();
    const onCloseServer = () => gone.abort();
    closing.signal.addEventListener('abort', onCloseServer, { once: true });
    let continuing: ThreadEntry | undefined;
    let hungUp = false;
    res.on('close', () => {
      inFlight -= 1;
      record.finishedAt = Date.now();
      if (!res.writableFinished) {
        record.clientAborted = !closing.signal.aborted && !hungUp;
        gone.abort();
      }
      if (continuing) continuing.continuing = false;
      closing.signal.removeEventListener('abort', onCloseServer);
    });

    record.rawBody = await readBody(req);
    const headers = { 'request-id': requestId };

    const reject = (r: Rejection) => {
      record.outcome = 'error';
      record.status = r.status;
      const extra: Record<string, string> = { ...headers };
      if (r.shouldRetry !== undefined) extra['x-should-retry'] = String(r.shouldRetry);
      sendJson(res, r.status, errorBody(r.status, r.message, r.errorCode, r.details, requestId), extra);
    };

    if (options.apiKey !== undefined) {
      const bearer = /^Bearer (.*)$/.exec(String(req.headers['authorization'] ?? ''))?.[1];
      if (bearer !== options.apiKey && req.headers['x-api-key'] !== options.apiKey) {
        return reject(new Rejection(401, 'invalid x-api-key'));
      }
    }
    if (route === 'unknown') {
      return reject(new Rejection(404, `Not found: ${record.method} ${pathname} (fake-anthropic serves POST /v1/messages and /v1/messages/count_tokens)`));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(record.rawBody);
    } catch {
      return reject(new Rejection(400, 'There was an issue with the format of the request body: not valid JSON'));
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return reject(new Rejection(400, 'The request body must be a JSON object'));
    }
    record.body = parsed as RequestBody;

    // Holding happens before anything else is decided, so the released requests race like real ones.
    if (!holdReleased && hold && (hold.only?.(record.body) ?? true)) {
      if (held.length + 1 >= hold.count) {
        releaseHold();
      } else {
        holdTimer ??= setTimeout(releaseHold, hold.timeoutMs);
        await new Promise<void>((resolve) => held.push(resolve));
      }
    }
    if (gone.signal.aborted) return;

    const body = record.body;
    if (route === 'count_tokens') {
      const problem = checkCommon(body, { needsMaxTokens: false });
      if (problem) return reject(problem);
      record.effective = { model: String(body.model), system: body.system, tools: body.tools, messages: body.messages ?? [] };
      record.outcome = 'reply';
      record.status = 200;
      return sendJson(res, 200, { input_tokens: countTokens(body) }, headers);
    }

    // --- POST /v1/messages: protocol checks the real server makes before any model work.
    const problem = checkCommon(body, { needsMaxTokens: true });
    if (problem) return reject(problem);
    const resolved = resolveThread(body);
    if (resolved instanceof Rejection) return reject(resolved);
    record.thread = resolved.thread;
    record.effective = resolved.effective;
    if (resolved.continuing) {
      continuing = resolved.continuing;
      continuing.continuing = true;
    }
    if (options.validateToolResults !== false) {
      const unanswered = checkToolResults(resolved.effective.messages);
      if (unanswered) return reject(unanswered);
    }

    let step: Step;
    try {
      step = await options.script(record);
    } catch (error) {
      return reject(new Rejection(500, `fake-anthropic script threw: ${error instanceof Error ? error.message : String(error)}`, undefined, undefined, false));
    }
    if (gone.signal.aborted) return;

    const stream = body.stream === true;
    let stalled = false;
    for (;;) {
      if ('stall' in step) {
        stalled = true;
        record.outcome = 'stall';
        await sleep(step.stall, gone.signal);
        if (gone.signal.aborted) return;
        step = step.then ?? DEFAULT_FINAL_STEP;
        continue;
      }
      if ('hangUp' in step) {
        record.outcome = stalled ? 'stall' : 'hangup';
        hungUp = true;
        req.socket.destroy();
        return;
      }
      if ('status' in step) {
        const extra: Record<string, string> = { ...headers };
        if (step.retryAfter !== undefined) extra['retry-after'] = String(step.retryAfter);
        if (step.retryAfterMs !== undefined) extra['retry-after-ms'] = String(step.retryAfterMs);
        if (step.shouldRetry !== undefined) extra['x-should-retry'] = String(step.shouldRetry);
        record.outcome = stalled ? 'stall' : 'error';
        record.status = step.status;
        const message = step.message ?? DEFAULT_ERROR_MESSAGES[step.status] ?? 'Error (scripted).';
        const details = step.errorCode ? { error_code: step.errorCode } : undefined;
        return sendJson(res, step.status, errorBody(step.status, message, undefined, details, requestId), extra);
      }
      // A reply, whole or malformed.
      const content = 'reply' in step ? step.reply : [text('This reply is cut short')];
      const stopReason: StopReason =
        ('reply' in step ? step.stopReason : undefined) ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
      const message = buildMessage(resolved.effective, content, stopReason);
      record.response = message;
      record.usage = message.usage;
      record.status = 200;
      if ('malformedJson' in step) {
        record.outcome = stalled ? 'stall' : 'malformed';
        if (stream) return sendMalformedStream(res, message, headers);
        const json = JSON.stringify(message);
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(json.slice(0, Math.floor(json.length / 2)));
        return;
      }
      record.outcome = stalled ? 'stall' : 'reply';
      if (resolved.thread) storeThreadReply(resolved, message);
      if (stream) return sendStream(res, message, headers);
      return sendJson(res, 200, message, headers);
    }
  }

  function resolveThread(body: RequestBody):
    | Rejection
    | { thread: RecordedRequest['thread']; effective: EffectiveRequest; continuing?: ThreadEntry; previousId?: string } {
    const model = String(body.model);
    const own: EffectiveRequest = { model, system: body.system, tools: body.tools, messages: body.messages ?? [] };
    const field = body.thread;
    if (field === undefined || field === null) return { thread: null, effective: own };
    const mode = options.threads ?? 'supported';
    if (mode === 'rejected') return new Rejection(400, 'thread: Extra inputs are not permitted');
    if (mode === 'unsupported') {
      return new Rejection(400, 'This request cannot be threaded.', 'thread_unsupported_request', { unsupported: ['thread'] });
    }
    if (field.type === 'create') return { thread: { type: 'create' }, effective: own };
    if (field.type !== 'continue' || typeof field.previous_message_id !== 'string') {
      return new Rejection(400, 'thread.type: Input should be \'create\' or \'continue\'');
    }
    const previousId = field.previous_message_id;
    const entry = threads.get(previousId);
    if (!entry) return new Rejection(404, `Thread not found: ${previousId}`, 'thread_not_found');
    if (entry.continued) return new Rejection(400, `Thread already continued from ${previousId}`, 'thread_already_continued');
    if (entry.continuing) return new Rejection(400, `A continuation of ${previousId} is in flight`, 'thread_continue_in_flight');
    if (body.system !== undefined || body.tools !== undefined) {
      return new Rejection(400, 'system, tools: cannot be set on a thread continue; the thread keeps those it was created with');
    }
    return {
      thread: { type: 'continue', previousMessageId: previousId },
      effective: { model, system: entry.system, tools: entry.tools, messages: [...entry.history, ...(body.messages ?? [])] },
      continuing: entry,
      previousId,
    };
  }

  function storeThreadReply(
    resolved: { effective: EffectiveRequest; continuing?: ThreadEntry },
    message: FakeMessage,
  ): void {
    if (resolved.continuing) {
      resolved.continuing.continued = true;
      resolved.continuing.continuing = false;
    }
    const { model, system, tools, messages } = resolved.effective;
    threads.set(message.id, {
      model,
      system,
      tools,
      history: [...messages, { role: 'assistant', content: message.content }],
      continued: false,
      continuing: false,
    });
  }

  function buildMessage(effective: EffectiveRequest, content: ContentBlock[], stopReason: StopReason): FakeMessage {
    const total = countTokens(effective);
    const prefix = cachedPrefix(effective);
    let cacheCreation = 0;
    let cacheRead = 0;
    if (prefix) {
      const tokens = Math.min(prefix.tokens, total);
      if (seenCachePrefixes.has(prefix.text)) cacheRead = tokens;
      else {
        seenCachePrefixes.add(prefix.text);
        cacheCreation = tokens;
      }
    }
    return {
      id: `msg_fake${String(++messageCounter).padStart(6, '0')}`,
      type: 'message',
      role: 'assistant',
      model: effective.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: {
        input_tokens: total - cacheCreation - cacheRead,
        output_tokens: countOutputTokens(content),
        cache_creation_input_tokens: cacheCreation,
        cache_read_input_tokens: cacheRead,
      },
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Internals

function errorBody(status: number, message: string, errorCode?: string, details?: Record<string, unknown>, requestId?: string) {
  const allDetails = errorCode || details ? { ...(errorCode ? { error_code: errorCode } : {}), ...details } : undefined;
  return {
    type: 'error',
    error: { type: ERROR_TYPES[status] ?? 'api_error', message, ...(allDetails ? { details: allDetails } : {}) },
    ...(requestId ? { request_id: requestId } : {}),
  };
}

function checkCommon(body: RequestBody, { needsMaxTokens }: { needsMaxTokens: boolean }): Rejection | null {
  if (typeof body.model !== 'string' || body.model === '') return new Rejection(400, 'model: Field required');
  if (needsMaxTokens && typeof body.max_tokens !== 'number') return new Rejection(400, 'max_tokens: Field required');
  if (!Array.isArray(body.messages)) return new Rejection(400, 'messages: Field required');
  return null;
}

/** The API rejects a `tool_use` not answered by a `tool_result` at the start of the next (user) message. */
function checkToolResults(messages: RequestMessage[]): Rejection | null {
  for (let i = 0; i < messages.length - 1; i++) {
    const message = messages[i]!;
    if (message.role !== 'assistant' || !Array.isArray(message.content)) continue;
    const ids = message.content.filter((b) => b.type === 'tool_use').map((b) => String(b['id']));
    if (ids.length === 0) continue;
    const next = messages[i + 1]!;
    const answered = new Set(
      Array.isArray(next.content) ? next.content.filter((b) => b.type === 'tool_result').map((b) => String(b['tool_use_id'])) : [],
    );
    const missing = ids.filter((id) => !answered.has(id));
    if (next.role !== 'user' || missing.length > 0) {
      return new Rejection(
        400,
        `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. ` +
          'Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
      );
    }
  }
  return null;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)), ...headers });
  res.end(json);
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A reply as the API streams it: message_start, each block's start/delta/stop, message_delta, message_stop. */
function sendStream(res: ServerResponse, message: FakeMessage, headers: Record<string, string>): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  const chunks: string[] = [];
  chunks.push(
    sse('message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } },
    }),
  );
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      chunks.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      for (const piece of splitInTwo(block.text)) {
        chunks.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
      }
    } else {
      chunks.push(
        sse('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      for (const piece of splitInTwo(JSON.stringify(block.input ?? {}))) {
        chunks.push(
          sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }),
        );
      }
    }
    chunks.push(sse('content_block_stop', { type: 'content_block_stop', index }));
  });
  chunks.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: { ...message.usage },
    }),
  );
  chunks.push(sse('message_stop', { type: 'message_stop' }));
  res.end(chunks.join(''));
}

function sendMalformedStream(res: ServerResponse, message: FakeMessage, headers: Record<string, string>): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
  const start = JSON.stringify({ type: 'message_start', message: { ...message, content: [] } });
  res.end(`event: message_start\ndata: ${start.slice(0, Math.floor(start.length / 2))}\n\n`);
}

function splitInTwo(s: string): string[] {
  if (s.length < 2) return [s];
  const mid = Math.floor(s.length / 2);
  return [s.slice(0, mid), s.slice(mid)];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // A client that goes away mid-body: work on what arrived; the response will find the socket closed.
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
