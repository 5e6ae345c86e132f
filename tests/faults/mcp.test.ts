/**
 * Faults of the in-process MCP repository tools while agents use them: the server crashes (its end of the
 * connection closes) once or on every restart, or stops answering. The crash is real — the server's transport is
 * closed through the seam `watchInMemoryServers` — and everything else (client, tool runner, SDK) is the real code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { watchInMemoryServers, type InMemoryServerHandle } from '../../src/mcp/client.js';
import { runAudit } from '../../src/workflow/audit.js';
import { startFakeAnthropic, toolUse, type FakeAnthropic, type Step } from '../helpers/fake-anthropic.js';
import { agentRun, agentsAt, expectOneLine, finish, ordersFinding, perAgent, readFile, requestsOf, tinyRepo, toolResultsSent } from '../helpers/faults.js';

let fake: FakeAnthropic | undefined;
let unwatch: (() => void) | undefined;
afterEach(async () => {
  unwatch?.();
  unwatch = undefined;
  await fake?.close();
  fake = undefined;
});

const T = { timeout: 10_000 };
const reportFinding: Step = { reply: [toolUse('report_finding', ordersFinding({ category: 'Security', title: 'Order total trusts the client' }))] };

/** Every in-memory server the audit starts, restarts included. */
function watchServers(onStart?: (server: InMemoryServerHandle) => void): InMemoryServerHandle[] {
  const servers: InMemoryServerHandle[] = [];
  unwatch = watchInMemoryServers((server) => {
    servers.push(server);
    onStart?.(server);
  });
  return servers;
}

/** The text of a tool result as the model got it. */
const textOf = (result: { content: unknown } | undefined) => JSON.stringify(result?.content ?? null);

describe('the MCP server crashes', () => {
  it('crash once while read_file is in flight → the server is restarted, the call retried, the agent completes', T, async () => {
    const servers = watchServers();
    fake = await startFakeAnthropic({
      script: perAgent({
        'security-auditor': (turn) => {
          if (turn === 0) {
            // The server stops answering, so the read_file about to be sent is still in flight when it crashes.
            servers[0]!.hang();
            setTimeout(() => void servers[0]!.crash(), 200);
            return readFile('src/index.ts');
          }
          return [reportFinding, finish()][turn - 1] ?? finish();
        },
      }),
    });
    const { report } = await runAudit({ target: tinyRepo(), agents: agentsAt(fake.baseURL, { agents: ['security-auditor'] }) });

    expect(servers).toHaveLength(2);
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1, notes: [] });
    const [result] = toolResultsSent(requestsOf(fake, 'security-auditor')[1]!);
    expect(result!.is_error).toBeUndefined();
    expect(textOf(result)).toContain('export const answer = 42;');
  });

  it('crash between two calls (no call in flight) → the next read_file finds the connection gone, restarts the server once and gets its answer', T, async () => {
    const servers = watchServers();
    fake = await startFakeAnthropic({
      script: perAgent({
        'security-auditor': (turn) => {
          if (turn === 1) void servers[0]!.crash();
          return [readFile('src/index.ts'), readFile('src/orders.ts'), reportFinding, finish()][turn] ?? finish();
        },
      }),
    });
    const { report } = await runAudit({ target: tinyRepo(), agents: agentsAt(fake.baseURL, { agents: ['security-auditor'] }) });

    expect(servers).toHaveLength(2);
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1, notes: [] });
    const results = toolResultsSent(requestsOf(fake, 'security-auditor')[2]!);
    expect(results.map((r) => r.is_error)).toEqual([undefined, undefined]);
    expect(textOf(results[1])).toContain('items.reduce');
  });

  it('crash on every restart → the model gets an is_error "repository tools unavailable" result, the agent ends partial with that note, the audit completes', T, async () => {
    let crashing = false;
    const servers = watchServers((server) => {
      if (crashing) void server.crash();
    });
    fake = await startFakeAnthropic({
      script: perAgent({
        'security-auditor': (turn) => {
          if (turn === 0) {
            crashing = true;
            void servers[0]!.crash();
            return readFile('src/index.ts');
          }
          return [reportFinding, finish()][turn - 1] ?? finish();
        },
        'code-auditor': [{ stall: 300, then: readFile('src/orders.ts') }, finish()],
      }),
    });
    const started = performance.now();
    const { report } = await runAudit({ target: tinyRepo(), agents: agentsAt(fake.baseURL, { agents: ['security-auditor', 'code-auditor'] }, { requestTimeoutMs: 2000 }) });
    expect(performance.now() - started).toBeLessThan(5000);

    const security = agentRun(report, 'security-auditor');
    expect(security).toMatchObject({ status: 'partial', findingsKept: 1 });
    expect(expectOneLine(security.notes.at(-1))).toMatch(/^repository tools unavailable: read_file failed again after a restart \(.+\); findings so far kept$/);
    const [result] = toolResultsSent(requestsOf(fake, 'security-auditor')[1]!);
    expect(result!.is_error).toBe(true);
    expect(textOf(result)).toMatch(/repository tools unavailable/);
    // The other agent, reading after the crash, is degraded the same way rather than left waiting.
    expect(agentRun(report, 'code-auditor')).toMatchObject({ status: 'partial' });
    expect(agentRun(report, 'code-auditor').notes.at(-1)).toMatch(/^repository tools unavailable/);
    expect(servers.length).toBeGreaterThanOrEqual(2);
    expect(report.verdict.rating).toBeDefined();
  });
});

describe('a tool call that never answers', () => {
  it('hung read_file → the per-call timeout turns it into a tool error for the model, the agent goes on and completes', T, async () => {
    const servers = watchServers();
    fake = await startFakeAnthropic({
      script: perAgent({
        'security-auditor': (turn) => {
          if (turn === 0) {
            servers[0]!.hang();
            return readFile('src/index.ts');
          }
          return [reportFinding, finish()][turn - 1] ?? finish();
        },
      }),
    });
    const started = performance.now();
    const { report } = await runAudit({ target: tinyRepo(), agents: agentsAt(fake.baseURL, { agents: ['security-auditor'], budget: { maxToolCallMs: 300 } }) });
    expect(performance.now() - started).toBeLessThan(4000);

    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1 });
    const [result] = toolResultsSent(requestsOf(fake, 'security-auditor')[1]!);
    expect(result!.is_error).toBe(true);
    expect(textOf(result)).toContain('read_file did not answer within 0.3 s');
    // A slow tool is not a crash: no restart.
    expect(servers).toHaveLength(1);
  });

  it('hung read_file when the agent wall time runs out → the call is cancelled and the agent stops partial at its wall time, not at the tool timeout', T, async () => {
    const servers = watchServers();
    fake = await startFakeAnthropic({
      script: perAgent({
        'security-auditor': (turn) => {
          if (turn === 0) return reportFinding;
          servers[0]!.hang();
          return readFile('src/index.ts');
        },
      }),
    });
    const started = performance.now();
    const { report } = await runAudit({ target: tinyRepo(), agents: agentsAt(fake.baseURL, { agents: ['security-auditor'], budget: { maxWallMs: 1000, maxToolCallMs: 60_000 } }) });
    expect(performance.now() - started).toBeLessThan(4000);

    const security = agentRun(report, 'security-auditor');
    expect(security).toMatchObject({ status: 'partial', findingsKept: 1 });
    expect(security.notes[0]).toMatch(/^stopped: wall-time budget reached \(1 s\)/);
    expect(requestsOf(fake, 'security-auditor')).toHaveLength(2);
    // Giving up on a call is not a crash: no restart.
    expect(servers).toHaveLength(1);
  });
});
