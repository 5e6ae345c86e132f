/**
 * Faults of the Messages API, served by the local fake: every test runs a real audit with the real SDK (retries,
 * timeouts, tool runner) and checks what the agent run, the report and the fake server recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/workflow/audit.js';
import { startFakeAnthropic, toolUse, type FakeAnthropic, type FakeOptions, type Step } from '../helpers/fake-anthropic.js';
import { agentRun, agentsAt, categoriesOf, expectOneLine, finish, ordersFinding, perAgent, readFile, requestsOf, tinyRepo } from '../helpers/faults.js';
import type { AgentsOptions } from '../../src/agents/orchestrate.js';
import type { AuditReport } from '../../src/model/report.js';
import type { AgentName } from '../../src/model/taxonomy.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const T = { timeout: 10_000 };

async function audit(options: FakeOptions, agents: Partial<AgentsOptions> = {}, llm: Partial<AgentsOptions['llm']> = {}): Promise<{ report: AuditReport; ms: number }> {
  fake = await startFakeAnthropic(options);
  const started = performance.now();
  const { report } = await runAudit({ target: tinyRepo(), agents: agentsAt(fake.baseURL, { agents: ['security-auditor'], ...agents }, llm) });
  return { report, ms: performance.now() - started };
}

/** A security finding on the tiny repository, then finish: what a healthy run of the security auditor does. */
const reportThenFinish: Step[] = [{ reply: [toolUse('report_finding', ordersFinding({ category: 'Security', title: 'Order total trusts the client' }))] }, finish()];

/** A failed agent leaves its categories to the probes alone: unaudited where no probe ran, and said out loud everywhere. */
function expectUnaudited(report: AuditReport, name: AgentName): void {
  const scores = categoriesOf(report, name);
  expect(scores.length).toBeGreaterThan(0);
  for (const score of scores) expect(score.status === 'NOT_AUDITED' || /check\(s\) failed to run/.test(score.note), `${score.category}: ${score.status} ${score.note}`).toBe(true);
  expect(scores.some((s) => s.status === 'NOT_AUDITED')).toBe(true);
}

describe('rate limits and overload', () => {
  it('429 with retry-after, then success → retried after the wait, the agent completes', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': [{ status: 429, retryAfter: 0.2 }, ...reportThenFinish] }) });
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1, notes: [] });
    const requests = requestsOf(fake!, 'security-auditor');
    expect(requests.map((r) => r.status)).toEqual([429, 200, 200]);
    // The retry waited for retry-after (200 ms), not less.
    expect(requests[1]!.startedAt - requests[0]!.finishedAt!).toBeGreaterThanOrEqual(180);
  });

  it('429 on every attempt → that agent fails with a one-line RateLimitError 429 note, the other agent and the verdict are unaffected', T, async () => {
    const { report } = await audit(
      { script: perAgent({ 'security-auditor': () => ({ status: 429, retryAfterMs: 20 }), 'code-auditor': [finish()] }) },
      { agents: ['security-auditor', 'code-auditor'] },
    );
    const security = agentRun(report, 'security-auditor');
    expect(security.status).toBe('failed');
    expect(expectOneLine(security.notes[0])).toMatch(/^failed: RateLimitError 429: .*rate limit/);
    // One request and two retries (maxRetries 2), then it gave up.
    expect(requestsOf(fake!, 'security-auditor').map((r) => r.status)).toEqual([429, 429, 429]);
    expect(agentRun(report, 'code-auditor')).toMatchObject({ status: 'completed', notes: [] });
    expectUnaudited(report, 'security-auditor');
    expect(report.verdict.rating).toBe('CONDITIONALLY READY');
  });

  it('529 overloaded, then success → retried, the agent completes', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': [{ status: 529, retryAfterMs: 10 }, ...reportThenFinish] }) });
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1 });
    expect(requestsOf(fake!, 'security-auditor').map((r) => r.status)).toEqual([529, 200, 200]);
  });

  it('529 on every attempt → the agent fails with an OverloadedError 529 note, the audit still gives a verdict', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': () => ({ status: 529, retryAfterMs: 10 }) }) });
    const security = agentRun(report, 'security-auditor');
    expect(security.status).toBe('failed');
    expect(expectOneLine(security.notes[0])).toMatch(/^failed: \w+ 529: Overloaded/);
    expect(requestsOf(fake!, 'security-auditor')).toHaveLength(3);
    expectUnaudited(report, 'security-auditor');
    expect(report.verdict.rating).toBe('CONDITIONALLY READY');
  });
});

describe('server errors', () => {
  it('529 with x-should-retry: false → not retried, the agent fails at once with the 529 note', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': () => ({ status: 529, shouldRetry: false }) }) });
    expect(agentRun(report, 'security-auditor').status).toBe('failed');
    expect(agentRun(report, 'security-auditor').notes[0]).toMatch(/^failed: OverloadedError 529: Overloaded/);
    expect(requestsOf(fake!, 'security-auditor')).toHaveLength(1);
  });


  it('500, then success → retried, the agent completes with its finding', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': [{ status: 500, retryAfterMs: 10 }, ...reportThenFinish] }) });
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1 });
    expect(requestsOf(fake!, 'security-auditor').map((r) => r.status)).toEqual([500, 200, 200]);
  });

  it('503 on every attempt → the agent fails with a ServiceUnavailableError 503 note; a finding reported before it is kept (partial)', T, async () => {
    const { report } = await audit({
      script: perAgent({ 'security-auditor': (turn) => (turn === 0 ? reportThenFinish[0]! : { status: 503, retryAfterMs: 10 }) }),
    });
    const security = agentRun(report, 'security-auditor');
    expect(security).toMatchObject({ status: 'partial', findingsKept: 1 });
    expect(expectOneLine(security.notes[0])).toMatch(/^failed: ServiceUnavailableError 503: Service unavailable.*; findings so far kept$/);
    expect(requestsOf(fake!, 'security-auditor').map((r) => r.status)).toEqual([200, 503, 503, 503]);
    expect(report.findings.some((f) => f.title === 'Order total trusts the client')).toBe(true);
  });
});

describe('the connection', () => {
  it('socket reset (hang-up) mid-run → retried, the agent completes', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': [readFile('src/index.ts'), { hangUp: true }, ...reportThenFinish] }) });
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1 });
    expect(requestsOf(fake!, 'security-auditor').map((r) => r.outcome)).toEqual(['reply', 'hangup', 'reply', 'reply']);
  });

  it('hang-up on every attempt → the agent fails with a one-line APIConnectionError note', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': () => ({ hangUp: true }) }) });
    const security = agentRun(report, 'security-auditor');
    expect(security.status).toBe('failed');
    expect(expectOneLine(security.notes[0])).toMatch(/^failed: APIConnectionError: Connection error/);
    expect(requestsOf(fake!, 'security-auditor').map((r) => r.outcome)).toEqual(['hangup', 'hangup', 'hangup']);
    expectUnaudited(report, 'security-auditor');
  });

  it('a request that stalls past requestTimeoutMs → abandoned and retried, the agent completes', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': [{ stall: 3000 }, ...reportThenFinish] }) });
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1 });
    const requests = requestsOf(fake!, 'security-auditor');
    expect(requests.map((r) => r.outcome)).toEqual(['stall', 'reply', 'reply']);
    expect(requests[0]!.clientAborted).toBe(true);
  });

  it('every request stalls → the agent fails with an APIConnectionTimeoutError note within bounded time (no hang)', T, async () => {
    const { report, ms } = await audit({ script: perAgent({ 'security-auditor': () => ({ stall: 10_000 }) }) }, {}, { maxRetries: 1, requestTimeoutMs: 300 });
    const security = agentRun(report, 'security-auditor');
    expect(security.status).toBe('failed');
    expect(expectOneLine(security.notes[0])).toMatch(/^failed: APIConnectionTimeoutError: Request timed out/);
    expect(requestsOf(fake!, 'security-auditor').map((r) => r.outcome)).toEqual(['stall', 'stall']);
    // Two attempts of 300 ms and one back-off, not the 10 s the server would have taken.
    expect(ms).toBeLessThan(4000);
    expect(report.verdict.rating).toBe('CONDITIONALLY READY');
  });

  it('a malformed JSON body from the API → not retried, the agent fails with a one-line "not valid JSON" note, the audit does not crash', T, async () => {
    const { report } = await audit({ script: perAgent({ 'security-auditor': () => ({ malformedJson: true }) }) });
    const security = agentRun(report, 'security-auditor');
    expect(security.status).toBe('failed');
    expect(expectOneLine(security.notes[0])).toMatch(/^failed: the API's response was not valid JSON \(.+\); findings so far kept$/);
    // A body that does not parse is not a status the SDK retries: one request.
    expect(requestsOf(fake!, 'security-auditor').map((r) => r.outcome)).toEqual(['malformed']);
    expect(report.verdict.rating).toBe('CONDITIONALLY READY');
  });
});

describe('several agents at once', () => {
  it('the system explorer fails (500 on every attempt) → the specialists still run, without its notes, and complete', T, async () => {
    const { report } = await audit(
      { script: perAgent({ 'system-explorer': () => ({ status: 500, retryAfterMs: 10 }), 'security-auditor': reportThenFinish }) },
      { agents: ['system-explorer', 'security-auditor'] },
    );
    expect(agentRun(report, 'system-explorer').status).toBe('failed');
    expect(agentRun(report, 'system-explorer').notes[0]).toMatch(/^failed: InternalServerError 500: Internal server error/);
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1 });
    expect(requestsOf(fake!, 'security-auditor')[0]!.rawBody).not.toContain("System explorer's notes");
  });

  it('429 on the first request of four agents running at once → each is retried on its own, all four complete', T, async () => {
    const first = (steps: Step[]): Step[] => [{ status: 429, retryAfterMs: 50 }, ...steps];
    const { report } = await audit(
      {
        holdUntilInFlight: { count: 4, timeoutMs: 3000 },
        script: perAgent({ 'code-auditor': first([finish()]), 'security-auditor': first(reportThenFinish), 'reliability-auditor': first([finish()]), 'ops-auditor': first([finish()]) }),
      },
      { agents: ['code-auditor', 'security-auditor', 'reliability-auditor', 'ops-auditor'] },
    );
    expect(fake!.maxInFlight).toBeGreaterThanOrEqual(4);
    for (const run of report.coverage.agents) expect(run.status, run.name).toBe('completed');
    expect(fake!.requests.filter((r) => r.status === 429)).toHaveLength(4);
  });
});
