import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentsOptions } from '../../src/agents/orchestrate.js';
import { EXIT, main } from '../../src/cli.js';
import { UserError } from '../../src/errors.js';
import { probeById } from '../../src/probes/registry.js';
import { runAudit } from '../../src/workflow/audit.js';
import type { AuditEvent } from '../../src/workflow/events.js';
import { byAgent, startFakeAnthropic, toolUse, type FakeAnthropic, type Step } from '../helpers/fake-anthropic.js';
import { captureIO, makeTree } from '../helpers/tree.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function copyOf(example: string): string {
  const root = makeTree({});
  fs.cpSync(`examples/${example}`, root, { recursive: true });
  return root;
}

function agents(baseURL: string, overrides: Partial<AgentsOptions> = {}): AgentsOptions {
  return { llm: { apiKey: 'k', baseURL, maxRetries: 0, requestTimeoutMs: 20_000 }, concurrency: 4, ...overrides };
}

const finish: Step = { reply: [toolUse('finish', { summary: 'Done.' })] };
const phaseEvents = (events: AuditEvent[]) => events.filter((e) => e.type === 'phase-started' || e.type === 'phase-finished').map((e) => `${e.type === 'phase-started' ? '+' : '-'}${e.phase}`);

describe('the nine-phase workflow', () => {
  it('walks every phase in order: 1, 2, then 3–8 together, then 9, and records it', async () => {
    const events: AuditEvent[] = [];
    const { report } = await runAudit({ target: copyOf('flawed-shop'), onEvent: (e) => events.push(e) });
    expect(phaseEvents(events)).toEqual(['+1', '-1', '+2', '-2', '+3', '+4', '+5', '+6', '+7', '+8', '-3', '-4', '-5', '-6', '-7', '-8', '+9', '-9']);
    expect(report.workflow.phases.map((p) => p.state)).toEqual(Array(9).fill('done'));
    expect(events.filter((e) => e.type === 'finding').length).toBe(report.findings.length);
    // Offline and not interactive: the gate records the first stop-ship finding and lets the exit code decide.
    expect(report.workflow.gate).toMatchObject({ decision: 'continue', mode: 'report-only' });
  });

  it('a phase cannot be finished before it starts', async () => {
    const { PhaseMachine } = await import('../../src/workflow/phases.js');
    const machine = new PhaseMachine(() => {});
    expect(() => machine.finish(3)).toThrow('Phase 3 cannot go from pending to done');
  });
});

describe('the stop-ship gate', () => {
  it('interactive, answered no: asks once, spends nothing more, and names the phase and finding that stopped it', async () => {
    fake = await startFakeAnthropic({ script: byAgent({ 'system-explorer': [finish] }, finish) });
    const questions: string[] = [];
    const { report } = await runAudit({
      target: copyOf('flawed-shop'),
      agents: agents(fake.baseURL),
      gate: { mode: 'interactive', ask: async (q) => (questions.push(q), false) },
    });
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(/^Stop-ship issue in phase \d: .+ \(.+:\d+\) and \d+ more\. Keep spending on the remaining phases\?$/);
    expect(new Set(fake.requests.map((r) => r.agent))).toEqual(new Set(['system-explorer']));
    expect(report.coverage.agents.filter((a) => a.status === 'cancelled').map((a) => a.name)).toEqual(['code-auditor', 'security-auditor', 'reliability-auditor', 'ops-auditor']);
    expect(report.workflow.gate).toMatchObject({ decision: 'stop', mode: 'interactive' });
    expect(report.workflow.phases.find((p) => p.phase === 5)!.state).toBe('done');
    expect(report.verdict.rating).toBe('NOT READY');
  });

  it('interactive, answered yes: the audit goes on with every agent and does not ask again', async () => {
    fake = await startFakeAnthropic({ script: byAgent({ 'system-explorer': [finish], 'code-auditor': [finish], 'security-auditor': [finish], 'reliability-auditor': [finish], 'ops-auditor': [finish] }, finish) });
    let asked = 0;
    const { report } = await runAudit({ target: copyOf('flawed-shop'), agents: agents(fake.baseURL), gate: { mode: 'interactive', ask: async () => (asked++, true) } });
    expect(asked).toBe(1);
    expect(report.coverage.agents.map((a) => a.status)).toEqual(Array(5).fill('completed'));
  });

  it('--fail-fast: a stop-ship finding from an agent cancels the agents still running and gives the verdict at once', async () => {
    const critical = {
      title: 'Any user can read any project',
      severity: 'CRITICAL',
      category: 'Permissions',
      evidence: [{ file: 'src/server.ts', startLine: 1, endLine: 1, quote: fs.readFileSync('examples/clean-api/src/server.ts', 'utf8').split('\n')[0]! }],
      description: 'd',
      impact: 'i',
      recommendation: 'r',
      effort: 'hours',
      confidence: 'high',
    };
    const slow: Step = { stall: 15_000, then: finish };
    fake = await startFakeAnthropic({
      script: byAgent({ 'system-explorer': [finish], 'security-auditor': [{ reply: [toolUse('report_finding', critical)] }, finish], 'code-auditor': [slow], 'reliability-auditor': [slow], 'ops-auditor': [slow] }),
    });
    const started = Date.now();
    const { report } = await runAudit({ target: copyOf('clean-api'), agents: agents(fake.baseURL), gate: { mode: 'fail-fast' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.workflow.gate).toMatchObject({ decision: 'stop', mode: 'fail-fast', title: 'Any user can read any project' });
    for (const name of ['code-auditor', 'reliability-auditor', 'ops-auditor']) {
      const run = report.coverage.agents.find((a) => a.name === name)!;
      expect(run.notes.join(' ')).toMatch(/stopped by the stop-ship gate/);
    }
    expect(report.verdict.rating).toBe('NOT READY');
  });

  it.each([
    ['flawed-shop', 'stop-ship', EXIT.blocked],
    ['flawed-shop', 'never', EXIT.ok],
    ['clean-api', 'high', EXIT.ok],
    ['clean-api', 'stop-ship', EXIT.ok],
  ])('in CI, %s with --fail-on %s exits %i', async (example, failOn, code) => {
    const { io } = captureIO(copyOf(example));
    expect(await main(['audit', '.', '--quiet', '--fail-on', failOn, '--out', 'reports'], io)).toBe(code);
  });
});

describe('targeted audits', () => {
  it('--phase 5 runs only the security phase: its probes, and the other parallel phases say they were skipped', async () => {
    const { report } = await runAudit({ target: copyOf('flawed-shop'), phases: [5] });
    expect(report.coverage.probes.every((o) => probeById(o.id)!.meta.phase === 5)).toBe(true);
    expect(report.workflow.phases.filter((p) => p.state === 'skipped').map((p) => p.phase)).toEqual([3, 4, 6, 7, 8]);
    expect(report.findings.every((f) => f.phase === 5)).toBe(true);
    expect(report.workflow.phasesRequested).toEqual([5]);
  });

  it('--focus auth,billing keeps findings in the auth and billing paths, and lists the rest as out of scope', async () => {
    const { report } = await runAudit({ target: copyOf('flawed-shop'), focus: ['auth', 'billing'] });
    const files = [...new Set(report.findings.map((f) => f.evidence[0]!.file))].sort();
    for (const file of files) expect(file).toMatch(/auth|stripe|checkout|order|webhook/);
    expect(files).toEqual(expect.arrayContaining(['src/routes/auth.ts', 'src/routes/checkout.ts', 'src/routes/webhooks.ts', 'src/lib/stripe.ts']));
    expect(files).not.toContain('Dockerfile');
    expect(files).not.toContain('src/routes/admin.ts');
    expect(files).not.toContain('src/routes/products.ts');
    expect(report.coverage.droppedFindings.some((d) => d.reason === 'outside the focus (auth, billing)')).toBe(true);
    expect(report.workflow.focus).toMatchObject({ terms: ['auth', 'billing'] });
  });

  it('a focus that matches nothing is a clear user error', async () => {
    await expect(runAudit({ target: copyOf('clean-api'), focus: ['kubernetes-operators'] })).rejects.toSatisfy((e: unknown) => e instanceof UserError && /Focus "kubernetes-operators" matches no audited file/.test(e.message));
  });

  it('--agents security-auditor with --phase 5 sends only the explorer and the security auditor to the model', async () => {
    fake = await startFakeAnthropic({ script: byAgent({ 'system-explorer': [finish], 'security-auditor': [finish] }, finish) });
    await runAudit({ target: copyOf('flawed-shop'), phases: [5], agents: agents(fake.baseURL, { agents: ['system-explorer', 'security-auditor'] }) });
    expect(new Set(fake.requests.map((r) => r.agent))).toEqual(new Set(['system-explorer', 'security-auditor']));
  });
});
