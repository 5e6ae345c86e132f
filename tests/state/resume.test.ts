import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentsOptions } from '../../src/agents/orchestrate.js';
import type { AuditEvent } from '../../src/workflow/events.js';
import { runAudit } from '../../src/workflow/audit.js';
import { byAgentTurn, read, until } from '../helpers/agent-turns.js';
import { finish } from '../helpers/faults.js';
import { flawedShopCopy } from '../helpers/tree.js';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const AGENTS = ['system-explorer', 'code-auditor', 'security-auditor'] as const;

function agentOptions(baseURL: string, requestTimeoutMs = 30_000): AgentsOptions {
  return { llm: { apiKey: 'test-key', baseURL, maxRetries: 0, requestTimeoutMs }, agents: [...AGENTS], concurrency: 4 };
}

/** Security hangs on its first turn the first time round; every later conversation answers at once. */
function interruptibleScript(stalled: { once: boolean }) {
  const script = byAgentTurn({
    'system-explorer': [finish('Express shop with Prisma and Stripe.')],
    'code-auditor': [read('src/server.ts'), finish('Read the server.')],
    'security-auditor': [read('src/routes/webhooks.ts'), finish('Read the webhook.')],
  });
  return (request: Parameters<typeof script>[0]) => {
    const step = script(request);
    if (request.agent === 'security-auditor' && stalled.once) {
      stalled.once = false;
      return { stall: 60_000, then: step };
    }
    return step;
  };
}

/** Runs an audit and interrupts it (as Ctrl-C would) once the code auditor finished while security is mid-request. */
async function interruptedAudit(root: string) {
  const interrupt = new AbortController();
  const events: AuditEvent[] = [];
  const audit = runAudit({
    target: root,
    agents: agentOptions(fake!.baseURL),
    interrupt: interrupt.signal,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'agent-finished' && event.agent === 'code-auditor') {
        void until(() => fake!.requests.some((r) => r.agent === 'security-auditor')).then(() => interrupt.abort('SIGINT'));
      }
    },
  });
  return { ...(await audit), events };
}

const runsOf = (root: string) => fs.readdirSync(path.join(root, '.prod-audit', 'runs'));
const manifest = (root: string, id: string) => JSON.parse(fs.readFileSync(path.join(root, '.prod-audit', 'runs', id, 'run.json'), 'utf8'));

describe('checkpoints and --resume', () => {
  it('an interrupt mid-run → an INCOMPLETE report with the resume command; the resumed run makes no model call for agents that had finished', async () => {
    fake = await startFakeAnthropic({ script: interruptibleScript({ once: true }) });
    const root = flawedShopCopy();
    const first = await interruptedAudit(root);

    const runId = first.report.run!.id;
    expect(first.report.incomplete).toEqual({ reason: 'interrupted by SIGINT', resume: `prod-audit audit . --resume ${runId}` });
    const status = Object.fromEntries(first.report.coverage.agents.map((a) => [a.name, a.status]));
    expect(status).toEqual({ 'system-explorer': 'completed', 'code-auditor': 'completed', 'security-auditor': 'partial' });
    expect(first.report.coverage.agents.find((a) => a.name === 'security-auditor')!.notes.join(' ')).toMatch(/stopped by an interrupt \(SIGINT\)/);
    // What the interrupted agent would have judged is not claimed as audited.
    expect(first.report.scores.find((s) => s.category === 'Security')!.note).toMatch(/failed to run/);
    expect(manifest(root, runId)).toMatchObject({ status: 'interrupted', interruptedBy: 'interrupted by SIGINT' });
    const saved = fs.readdirSync(path.join(root, '.prod-audit', 'runs', runId, 'agents')).sort();
    expect(saved).toEqual(['code-auditor.json', 'system-explorer.json']);
    expect(fs.readdirSync(path.join(root, '.prod-audit', 'runs', runId, 'phases')).sort()).toEqual(['1-context.json', '2-system-map.json', '9-verdict.json', 'probes.json']);

    const mark = fake.requests.length;
    // The cache is off, so only the checkpoint can spare the finished agents.
    const resumed = await runAudit({ target: root, agents: agentOptions(fake.baseURL), state: { resume: runId, cache: false } });
    const after = fake.requests.slice(mark);
    expect(after.filter((r) => r.agent === 'system-explorer' || r.agent === 'code-auditor')).toEqual([]);
    expect(after.filter((r) => r.agent === 'security-auditor').length).toBe(2);
    expect(resumed.report.incomplete).toBeNull();
    expect(resumed.report.run).toEqual({ id: runId, checkpoints: `.prod-audit/runs/${runId}`, resumed: true });
    expect(Object.fromEntries(resumed.report.coverage.agents.map((a) => [a.name, a.reusedFrom]))).toEqual({ 'system-explorer': 'checkpoint', 'code-auditor': 'checkpoint', 'security-auditor': null });
    expect(resumed.report.coverage.agents.every((a) => a.status === 'completed')).toBe(true);
    expect(manifest(root, runId).status).toBe('complete');
    // The explorer's notes, reused, still reach the agent that ran again.
    expect(after.find((r) => r.agent === 'security-auditor')!.rawBody).toContain('Express shop with Prisma and Stripe.');
  });

  it('a corrupt agent checkpoint → that agent runs again, the others are still reused', async () => {
    fake = await startFakeAnthropic({ script: interruptibleScript({ once: true }) });
    const root = flawedShopCopy();
    const first = await interruptedAudit(root);
    const runId = first.report.run!.id;
    fs.writeFileSync(path.join(root, '.prod-audit', 'runs', runId, 'agents', 'code-auditor.json'), '{"format": "prod-audit/agent-result@1", "key": tru');

    const mark = fake.requests.length;
    const resumed = await runAudit({ target: root, agents: agentOptions(fake.baseURL), state: { resume: runId, cache: false } });
    const agentsAfter = new Set(fake.requests.slice(mark).map((r) => r.agent));
    expect(agentsAfter).toEqual(new Set(['code-auditor', 'security-auditor']));
    expect(resumed.report.coverage.agents.find((a) => a.name === 'system-explorer')!.reusedFrom).toBe('checkpoint');
  });

  it('a corrupt run manifest named by --resume → a user error naming the file, nothing run', async () => {
    fake = await startFakeAnthropic({ script: interruptibleScript({ once: true }) });
    const root = flawedShopCopy();
    const first = await interruptedAudit(root);
    const runId = first.report.run!.id;
    fs.writeFileSync(path.join(root, '.prod-audit', 'runs', runId, 'run.json'), 'not json');
    const mark = fake.requests.length;
    await expect(runAudit({ target: root, agents: agentOptions(fake.baseURL), state: { resume: runId } })).rejects.toThrow(/The checkpoint .*run\.json is corrupt/);
    expect(fake.requests.length).toBe(mark);
  });

  it('--resume with nothing interrupted → a user error saying there is nothing to resume', async () => {
    fake = await startFakeAnthropic({ script: interruptibleScript({ once: false }) });
    const root = flawedShopCopy();
    await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    await expect(runAudit({ target: root, agents: agentOptions(fake.baseURL), state: { resume: true } })).rejects.toThrow(/No interrupted audit to resume/);
    expect(runsOf(root)).toHaveLength(1);
  });
});
