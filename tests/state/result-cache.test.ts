import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentsOptions } from '../../src/agents/orchestrate.js';
import { runAudit } from '../../src/workflow/audit.js';
import { runDryRun } from '../../src/workflow/dry-run.js';
import { byAgentTurn, read } from '../helpers/agent-turns.js';
import { finish } from '../helpers/faults.js';
import { flawedShopCopy } from '../helpers/tree.js';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../helpers/fake-anthropic.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function agentOptions(baseURL: string): AgentsOptions {
  return { llm: { apiKey: 'test-key', baseURL, maxRetries: 0, requestTimeoutMs: 5000 }, concurrency: 4 };
}

/** Each agent reads its own files; the ops auditor alone reads src/lib/labels.ts. */
const script = byAgentTurn({
  'system-explorer': [{ reply: [toolUse('system_map', {})] }, read('package.json'), finish('Express shop with Prisma and Stripe.')],
  'code-auditor': [read('src/server.ts'), { reply: [toolUse('list_files', { path: 'src/routes' })] }, finish('Read the server and listed the routes.')],
  'security-auditor': [read('src/routes/webhooks.ts'), { reply: [toolUse('search', { pattern: 'constructEvent' })] }, finish('Read the webhook.')],
  'reliability-auditor': [read('prisma/schema.prisma'), finish('Read the schema.')],
  'ops-auditor': [read('src/lib/labels.ts'), read('Dockerfile'), finish('Read the labels and the Dockerfile.')],
});

const LABELS = "export const LABELS = { shipped: 'Shipped', pending: 'Pending' };\n";
const agentsSeen = (requests: FakeAnthropic['requests']) => new Set(requests.map((r) => r.agent));

describe('the result cache', () => {
  it('an unchanged re-audit makes no model call and reports the same findings; one changed file re-runs only the agent that read it', async () => {
    fake = await startFakeAnthropic({ script });
    const root = flawedShopCopy({ 'src/lib/labels.ts': LABELS });

    const first = await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    expect(first.report.coverage.agents.every((a) => a.status === 'completed' && a.reusedFrom === null)).toBe(true);
    const firstCalls = fake.requests.length;
    expect(firstCalls).toBeGreaterThanOrEqual(13);

    const second = await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    expect(fake.requests.length).toBe(firstCalls);
    expect(second.report.coverage.agents.map((a) => a.reusedFrom)).toEqual(Array(5).fill('result-cache'));
    expect(second.report.coverage.costUsd).toBe(0);
    expect(second.report.coverage.agents.reduce((n, a) => n + a.savedUsd, 0)).toBeCloseTo(first.report.coverage.costUsd, 6);
    expect(second.report.findings.map((f) => f.fingerprint)).toEqual(first.report.findings.map((f) => f.fingerprint));
    expect(second.report.verdict).toEqual(first.report.verdict);

    // Same length, same lines: nothing but the agent that read it can notice.
    fs.writeFileSync(path.join(root, 'src/lib/labels.ts'), LABELS.replace('Shipped', 'Sent!!!'));
    const third = await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    expect(agentsSeen(fake.requests.slice(firstCalls))).toEqual(new Set(['ops-auditor']));
    expect(Object.fromEntries(third.report.coverage.agents.map((a) => [a.name, a.reusedFrom]))).toEqual({
      'system-explorer': 'result-cache',
      'code-auditor': 'result-cache',
      'security-auditor': 'result-cache',
      'reliability-auditor': 'result-cache',
      'ops-auditor': null,
    });
  });

  it('a file that changes what a search finds re-runs the agent that searched, not only those that read it', async () => {
    fake = await startFakeAnthropic({ script });
    const root = flawedShopCopy({ 'src/lib/labels.ts': LABELS });
    await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    const mark = fake.requests.length;
    fs.writeFileSync(path.join(root, 'src/lib/labels.ts'), `${LABELS}// constructEvent\n`);
    await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    expect(agentsSeen(fake.requests.slice(mark))).toContain('security-auditor');
    expect(agentsSeen(fake.requests.slice(mark))).toContain('ops-auditor');
    expect(agentsSeen(fake.requests.slice(mark))).not.toContain('reliability-auditor');
  });

  it('a corrupt or foreign cache entry is ignored: the agent runs again and the entry is rebuilt', async () => {
    fake = await startFakeAnthropic({ script });
    const root = flawedShopCopy({ 'src/lib/labels.ts': LABELS });
    await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    const cacheDir = path.join(root, '.prod-audit', 'cache', 'agents');
    const entries = fs.readdirSync(cacheDir).sort();
    expect(entries).toHaveLength(5);
    const [corrupt, foreign] = entries;
    fs.writeFileSync(path.join(cacheDir, corrupt!), '{ "format": "prod-audit/agent-result@1", "result": ');
    const other = JSON.parse(fs.readFileSync(path.join(cacheDir, foreign!), 'utf8'));
    fs.writeFileSync(path.join(cacheDir, foreign!), JSON.stringify({ ...other, tool: '0.0.0-elsewhere' }));

    const mark = fake.requests.length;
    const again = await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    expect(again.report.coverage.agents.filter((a) => a.reusedFrom === null)).toHaveLength(2);
    expect(agentsSeen(fake.requests.slice(mark)).size).toBe(2);
    for (const entry of [corrupt!, foreign!]) expect(JSON.parse(fs.readFileSync(path.join(cacheDir, entry), 'utf8')).tool).not.toBe('0.0.0-elsewhere');

    const mark2 = fake.requests.length;
    await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    expect(fake.requests.length).toBe(mark2);
  });

  it('--no-cache runs every agent; a cache entry never holds a secret value from the target', async () => {
    fake = await startFakeAnthropic({ script: byAgentTurn({ 'ops-auditor': [read('.env'), finish('Read the env file.')] }) });
    const root = flawedShopCopy();
    await runAudit({ target: root, agents: { ...agentOptions(fake.baseURL), agents: ['ops-auditor'] } });
    const mark = fake.requests.length;
    await runAudit({ target: root, agents: { ...agentOptions(fake.baseURL), agents: ['ops-auditor'] }, state: { cache: false } });
    expect(fake.requests.length).toBeGreaterThan(mark);
    const env = fs.readFileSync(path.join(root, '.env'), 'utf8');
    const values = [...env.matchAll(/=(\S{12,})/g)].map((m) => m[1]!);
    expect(values.length).toBeGreaterThan(0);
    const state = fs.readdirSync(path.join(root, '.prod-audit'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    for (const file of state) {
      const text = fs.readFileSync(path.join(file.parentPath, file.name), 'utf8');
      for (const value of values) expect(text).not.toContain(value);
    }
  });

  it('--dry-run after an unchanged audit → every agent "reused", $0, no request; after one changed file only its reader is priced', async () => {
    fake = await startFakeAnthropic({ script });
    const root = flawedShopCopy({ 'src/lib/labels.ts': LABELS });
    await runAudit({ target: root, agents: agentOptions(fake.baseURL) });
    const mark = fake.requests.length;

    const unchanged = await runDryRun({ target: root });
    expect(unchanged.estimate.agents.map((a) => [a.name, a.reused])).toEqual([
      ['system-explorer', true],
      ['code-auditor', true],
      ['security-auditor', true],
      ['reliability-auditor', true],
      ['ops-auditor', true],
    ]);
    expect(unchanged.estimate.total.usd).toBe(0);

    fs.writeFileSync(path.join(root, 'src/lib/labels.ts'), LABELS.replace('Shipped', 'Sent!!!'));
    const changed = await runDryRun({ target: root });
    expect(changed.estimate.agents.filter((a) => !a.reused).map((a) => a.name)).toEqual(['ops-auditor']);
    expect(changed.estimate.total.usd).toBeGreaterThan(0);
    expect((await runDryRun({ target: root, stateDir: false })).estimate.agents.every((a) => !a.reused)).toBe(true);
    expect(fake.requests.length).toBe(mark);
  });
});
