import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/** The repository tools went away and one restart did not bring them back. */
export class RepoToolsUnavailable extends Error {
  override readonly name = 'RepoToolsUnavailable';
}

/**
 * A client of the in-process repository tools that outlives its server. A call that finds the
 * connection gone (the server crashed, its transport failed) restarts the server once and is sent
 * again; if that fails too it rejects with RepoToolsUnavailable. A call that does not answer within
 * its `timeout` rejects with a one-line reason. Either way the tool runner hands the rejection to the
 * model as a tool error, so an agent is told and never waits on a tool forever.
 */
export class RepoToolsClient extends Client {
  /** Bumped by every restart, so concurrent callers that saw the same failure restart only once. */
  private generation = 0;
  private restarting: Promise<void> | undefined;
  private closed = false;

  constructor(
    info: ConstructorParameters<typeof Client>[0],
    /** Starts a fresh server (closing the old one) and returns the client's end of its transport. */
    private readonly startServer: () => Promise<Transport>,
  ) {
    super(info);
  }

  override async callTool(...args: Parameters<Client['callTool']>): ReturnType<Client['callTool']> {
    const [params, , options] = args;
    const generation = this.generation;
    try {
      return await super.callTool(...args);
    } catch (error) {
      if (isTimeout(error)) throw new Error(`${params.name} did not answer within ${seconds(options?.timeout)}; try a narrower call or another tool`, { cause: error });
      // The caller gave up, or the server answered with an error (so it is alive): nothing to restart.
      if (this.closed || options?.signal?.aborted || (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed)) throw error;
    }
    try {
      await this.restart(generation, options?.timeout);
      return await super.callTool(...args);
    } catch (error) {
      throw new RepoToolsUnavailable(`repository tools unavailable: ${params.name} failed again after a restart (${oneLine(error)})`, { cause: error });
    }
  }

  /** Closes for good: a call after this is not a reason to restart. (A failed connect closes too, so close() cannot mean it.) */
  async end(): Promise<void> {
    this.closed = true;
    await this.close();
  }

  private restart(generation: number, timeout: number | undefined): Promise<void> {
    if (this.generation !== generation) return Promise.resolve();
    this.restarting ??= (async () => {
      try {
        await this.close().catch(() => {});
        if (this.closed) throw new Error('the session is closed');
        await this.connect(await this.startServer(), timeout !== undefined ? { timeout } : undefined);
        this.generation++;
      } finally {
        this.restarting = undefined;
      }
    })();
    return this.restarting;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof McpError && error.code === ErrorCode.RequestTimeout;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'the time limit' : `${ms / 1000} s`;
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
