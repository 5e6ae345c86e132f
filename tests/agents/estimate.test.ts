import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { estimateAgent, estimateAudit, OUTPUT_TOKENS, planReading, type AgentPlan, type PlannedTurn } from '../../src/agents/estimate.js';
import type { AgentsOptions } from '../../src/agents/orchestrate.js';
import { DEFAULT_AGENT_BUDGET } from '../../src/llm/budget.js';
import { runAudit } from '../../src/workflow/audit.js';
import { runDryRun } from '../../src/workflow/dry-run.js';
import { main } from '../../src/cli.js';
import { startFakeAnthropic, systemText, toolUse, type FakeAnthropic, type RecordedRequest, type Step } from '../helpers/fake-anthropic.js';
import { git } from '../helpers/git.js';
import { captureIO, flawedShopCopy as flawedShop } from '../helpers/tree.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

// ---------------------------------------------------------------------------------------------------------------
// A typical agent, written from the repository and the assignment it is given — not from the estimator's plan.

interface Lead {
  fingerprint: string;
  title: string;
  detail: string;
  at: string;
}

const AGENT_NAMES = ['system-explorer', 'code-auditor', 'security-auditor', 'reliability-auditor', 'ops-auditor'] as const;

/** The files of its area an investigator opens besides those its leads cite, picked from the repository itself. */
function areaFiles(root: string, agent: string): string[] {
  const ls = (dir: string, pattern: RegExp) => fs.readdirSync(path.join(root, dir)).filter((f) => pattern.test(f)).map((f) => `${dir}/${f}`).sort();
  switch (agent) {
    case 'security-auditor':
      return [...ls('src/routes', /\.ts$/), 'src/middleware/auth.ts'];
    case 'reliability-auditor':
      return ['prisma/schema.prisma', ...ls('src/services', /\.ts$/), 'src/lib/prisma.ts'];
    case 'ops-auditor':
      return ['Dockerfile', 'docker-compose.yml', 'src/config.ts', 'src/server.ts', 'src/app.ts'];
    case 'code-auditor': {
      const sources = ['src', 'src/routes', 'src/services', 'src/lib', 'src/middleware'].flatMap((d) => ls(d, /\.ts$/));
      return sources.sort((a, b) => fs.statSync(path.join(root, b)).size - fs.statSync(path.join(root, a)).size).slice(0, 3);
    }
    default:
      return ['package.json', 'src/server.ts', 'src/app.ts', 'Dockerfile'];
  }
}

function findingFor(root: string, lead: Lead, agent: string) {
  const [file, lineText] = lead.at.split(/:(?=\d+$)/) as [string, string];
  const line = Number(lineText);
  const quote = fs.readFileSync(path.join(root, file), 'utf8').split(/\r?\n/)[line - 1] ?? '';
  return {
    title: lead.title,
    severity: 'HIGH',
    category: agent === 'security-auditor' ? 'Security' : agent === 'ops-auditor' ? 'Observability' : agent === 'code-auditor' ? 'Code Quality' : 'Reliability',
    evidence: [{ file, startLine: line, endLine: line, quote: quote || ' ' }],
    description: `${lead.detail} I traced the handler from the route registration through to the data layer: nothing on that path guards against it, and the surrounding code assumes the opposite. The same pattern appears nowhere else in the file, so this is the one place to fix.`,
    impact: 'Under production traffic this turns into incorrect data or an outage that support cannot explain, and it is hard to undo after the fact.',
    recommendation: 'Add the missing guard at this call site, cover it with a test that fails today, and add an alert on the error path so a regression is visible.',
    effort: 'hours',
    confidence: 'high',
    leadFingerprint: lead.fingerprint,
  };
}

/** Each agent: reads what its leads cite and a few files of its area, reports most leads, rejects every third, finishes. */
function typicalAgents(root: string) {
  const plans = new Map<string, Step[]>();
  const next = new Map<string, number>();
  return (request: RecordedRequest): Step => {
    const system = systemText(request.body.system);
    const agent = AGENT_NAMES.find((name) => system.includes(`# Agent: ${name}`)) ?? null;
    request.agent = agent;
    if (!agent) return { reply: [toolUse('finish', { summary: 'Nothing to do.' })] };
    if (!plans.has(agent)) {
      const first = request.body.messages[0]!.content as string;
      const leads = (JSON.parse(first) as { leads: Lead[] }).leads;
      const steps: Step[] = [];
      if (agent === 'system-explorer') steps.push({ reply: [toolUse('system_map', {})] });
      const files = [...new Set([...leads.map((l) => l.at.replace(/:\d+$/, '')), ...areaFiles(root, agent)])];
      for (const file of files) steps.push({ reply: [toolUse('read_file', { path: file })] });
      leads.forEach((lead, i) => {
        steps.push(
          i % 3 === 2
            ? { reply: [toolUse('reject_lead', { fingerprint: lead.fingerprint, reason: `Guarded upstream: the caller of ${lead.at} validates this before it gets here, see the middleware chain.` })] }
            : { reply: [toolUse('report_finding', findingFor(root, lead, agent))] },
        );
      });
      const summary =
        agent === 'system-explorer'
          ? 'Express 4 shop on Node 20 with Prisma over Postgres and Stripe for payments; one HTTP server (src/server.ts) mounting six routers in src/app.ts, JWT auth in src/middleware/auth.ts, an OpenAI-backed product import, email through a mailer, and a shipping service called over HTTP. Deployed as one Docker image that runs migrations at start; docker-compose adds Postgres. Trust boundaries: the Stripe webhook, public auth routes, and the admin router.'
          : `Checked the ${leads.length} leads and the main files of my area; confirmed most, rejected those guarded upstream. Not checked: the test suite and the build scripts.`;
      steps.push({ reply: [toolUse('finish', { summary })] });
      plans.set(agent, steps);
    }
    const i = next.get(agent) ?? 0;
    next.set(agent, i + 1);
    return plans.get(agent)![i] ?? { reply: [toolUse('finish', { summary: 'Done.' })] };
  };
}

function agentOptions(baseURL: string, overrides: Partial<AgentsOptions> = {}): AgentsOptions {
  return { llm: { apiKey: 'test-key', baseURL, model: 'claude-sonnet-5-5', maxRetries: 0, requestTimeoutMs: 30_000, requestsPerMinute: 10_000 }, concurrency: 4, ...overrides };
}

const recordedTokens = (requests: readonly RecordedRequest[]) =>
  requests.reduce((sum, r) => sum + r.usage.input_tokens + r.usage.cache_creation_input_tokens + r.usage.cache_read_input_tokens + r.usage.output_tokens, 0);

describe('the dry-run estimate against a run of typical agents', () => {
  it('is within ±30 % of the tokens the fake Messages API recorded, and sends nothing itself', async () => {
    const root = flawedShop();
    fake = await startFakeAnthropic({ script: typicalAgents(root) });
    const options = agentOptions(fake.baseURL);

    const plan = await runDryRun({ target: root, agents: options });
    expect(fake.requests).toHaveLength(0);

    const { report } = await runAudit({ target: root, agents: options });
    expect(report.coverage.agents).toHaveLength(5);

    const estimated = plan.estimate.total.inputTokens + plan.estimate.total.outputTokens;
    const recorded = recordedTokens(fake.requests);
    const rows = plan.estimate.agents.map((a) => {
      const requests = fake!.requests.filter((r) => r.agent === a.name);
      const actual = recordedTokens(requests);
      return { agent: a.name, estimatedTurns: a.turns, recordedTurns: requests.length, estimated: a.inputTokens + a.outputTokens, recorded: actual, ratio: +((a.inputTokens + a.outputTokens) / actual).toFixed(3) };
    });
    // The figures, for the record: estimate vs what the fake server counted, in total and per agent.
    console.log(`dry-run estimate ${estimated} tokens ($${plan.estimate.total.usd.toFixed(3)}) vs recorded ${recorded} ($${report.coverage.costUsd.toFixed(3)}): ×${(estimated / recorded).toFixed(3)}\n${rows.map((r) => `  ${r.agent}: ${r.estimated} vs ${r.recorded} (×${r.ratio}), turns ${r.estimatedTurns} vs ${r.recordedTurns}`).join('\n')}`);

    expect(estimated).toBeGreaterThanOrEqual(recorded * 0.7);
    expect(estimated).toBeLessThanOrEqual(recorded * 1.3);
    // Per agent the bound is looser, ±40 %: each plan guesses which files of its area the agent opens
    // (the script here picks its own), and one file more or fewer, read early, is re-sent on every later
    // turn. Over five agents those guesses partly cancel, which is what the ±30 % on the total relies on.
    for (const row of rows) {
      expect(row.estimated, row.agent).toBeGreaterThanOrEqual(row.recorded * 0.6);
      expect(row.estimated, row.agent).toBeLessThanOrEqual(row.recorded * 1.4);
    }
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------------------
// The estimator alone

const read = (file: string, chars: number): PlannedTurn => ({ kind: 'read', file, bytes: chars, resultChars: chars });
function plan(turns: PlannedTurn[], promptChars = 40_000): AgentPlan {
  return { name: 'security-auditor', promptChars, cachedChars: 30_000, leads: turns.filter((t) => t.kind === 'lead').length, turns };
}

describe('estimateAgent', () => {
  it('adds up each turn re-sending the whole conversation, with the prefix cached after the first', () => {
    const estimate = estimateAgent(plan([read('a.ts', 4000), read('b.ts', 4000), { kind: 'finish' }]), DEFAULT_AGENT_BUDGET, 'claude-sonnet-5-5');
    expect(estimate).toMatchObject({ turns: 3, plannedTurns: 3, cappedBy: null, files: ['a.ts', 'b.ts'], bytes: 8000, promptTokens: 10_000, readTokens: 2000 });
    // Turn 1 is P; turn 2 adds the first read and reply; turn 3 the second too: more than 3 × P.
    expect(estimate.inputTokens).toBeGreaterThan(3 * 10_000 + 2 * 1000);
    expect(estimate.cacheWriteTokens).toBe(7500);
    expect(estimate.cacheReadTokens).toBe(2 * 7500);
    expect(estimate.outputTokens).toBe(2 * OUTPUT_TOKENS.toolCall + OUTPUT_TOKENS.finish);
    // Caching: the same tokens without it would cost more.
    const uncached = (estimate.inputTokens * 3 + estimate.outputTokens * 15) / 1e6;
    expect(estimate.usd).toBeLessThan(uncached);
  });

  it('stops where --max-turns stops the agent, and says so', () => {
    const turns: PlannedTurn[] = [...Array.from({ length: 10 }, (_, i) => read(`f${i}.ts`, 2000)), { kind: 'finish' }];
    const estimate = estimateAgent(plan(turns), { ...DEFAULT_AGENT_BUDGET, maxTurns: 4 }, 'claude-sonnet-5-5');
    expect(estimate).toMatchObject({ plannedTurns: 11, turns: 4, cappedBy: 'turns' });
  });

  it('stops where the input token budget stops the agent', () => {
    const turns: PlannedTurn[] = [...Array.from({ length: 20 }, (_, i) => read(`f${i}.ts`, 20_000)), { kind: 'finish' }];
    const estimate = estimateAgent(plan(turns), { ...DEFAULT_AGENT_BUDGET, maxInputTokens: 100_000 }, 'claude-sonnet-5-5');
    expect(estimate.cappedBy).toBe('input tokens');
    expect(estimate.inputTokens).toBeLessThanOrEqual(100_000);
  });

  it('flags a total over the USD budget, and prices by model', () => {
    const plans = [plan([read('a.ts', 40_000), { kind: 'lead', fingerprint: '0123456789abcdef', confirm: true }, { kind: 'finish' }])];
    const sonnet = estimateAudit(plans, DEFAULT_AGENT_BUDGET, 'claude-sonnet-5-5', 0.01);
    expect(sonnet.exceedsBudget).toBe(true);
    expect(estimateAudit(plans, DEFAULT_AGENT_BUDGET, 'claude-sonnet-5-5', 5).exceedsBudget).toBe(false);
    const haiku = estimateAudit(plans, DEFAULT_AGENT_BUDGET, 'claude-haiku-5', 5);
    expect(haiku.total.inputTokens).toBe(sonnet.total.inputTokens);
    expect(haiku.total.usd).toBeCloseTo(sonnet.total.usd / 3, 6);
  });
});

describe('runDryRun', () => {
  it('without a key, estimates the agents with the default model and says the audit would be probes only', async () => {
    const plan = await runDryRun({ target: flawedShop(), probesOnlyBecause: 'ANTHROPIC_API_KEY is not set' });
    expect(plan.mode).toBe('probes-only');
    expect(plan.estimate.model).toBe('claude-sonnet-5-5');
    expect(plan.estimate.agents.map((a) => a.name)).toEqual(['system-explorer', 'code-auditor', 'security-auditor', 'reliability-auditor', 'ops-auditor']);
    expect(plan.estimate.total.usd).toBeGreaterThan(0);
  });

  it('honours --agents, --phase, --max-turns and --budget-usd', async () => {
    const plan = await runDryRun({ target: flawedShop(), phases: [5], agents: { agents: ['security-auditor', 'ops-auditor'], budget: { maxTurns: 5 }, maxUsd: 0.01 } });
    expect(plan.estimate.agents.map((a) => a.name)).toEqual(['security-auditor']);
    expect(plan.estimate.agents[0]).toMatchObject({ turns: 5, cappedBy: 'turns' });
    expect(plan.estimate.exceedsBudget).toBe(true);
  });

  it('honours --focus: every planned read is inside it', async () => {
    const plan = await runDryRun({ target: flawedShop(), focus: ['auth'] });
    expect(plan.focus!.files).toBeGreaterThan(0);
    const reads = plan.estimate.agents.flatMap((a) => a.files);
    expect(reads.length).toBeGreaterThan(0);
    for (const file of reads) expect(file).toMatch(/auth/);
  });
});

describe('runDryRun --since', () => {
  it('puts the changed files first among those of each role', async () => {
    const root = flawedShop();
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'shop');
    fs.appendFileSync(path.join(root, 'src/config.ts'), '\nexport const retries = 3;\n');
    const plan = await runDryRun({ target: root, since: 'HEAD', agents: { agents: ['ops-auditor'] } });
    expect(plan.since).toEqual({ ref: 'HEAD', changedFiles: 1 });
    const files = plan.estimate.agents[0]!.files;
    expect(files.indexOf('src/config.ts')).toBeGreaterThanOrEqual(0);
    expect(files.indexOf('src/config.ts')).toBeLessThan(files.indexOf('docker-compose.yml'));
  });
});

describe('planReading', () => {
  const map = {
    languages: {}, packages: [{ path: 'package.json', name: 'x', dependencies: [], scripts: [] }],
    entryPoints: [{ file: 'src/server.ts', line: 1, kind: 'http-listen' as const, detail: 'listen' }],
    routes: [{ method: 'POST' as const, path: '/pay', file: 'src/routes/pay.ts', line: 3, framework: 'express' as const, authenticated: false, guards: [] }],
    dataStores: [], models: [{ name: 'User', file: 'prisma/schema.prisma', line: 1 }], externalServices: [], envVars: [],
    deployFiles: ['Dockerfile'], trustBoundaries: [], limits: { routes: 1, truncated: false, omitted: [] },
  };
  const files = [
    { path: 'package.json', bytes: 500, language: 'json' },
    { path: 'src/server.ts', bytes: 300, language: 'typescript' },
    { path: 'src/routes/pay.ts', bytes: 4000, language: 'typescript' },
    { path: 'src/big.ts', bytes: 90_000, language: 'typescript' },
    { path: 'src/huge.ts', bytes: 200_000, language: 'typescript' },
    { path: 'src/jobs/sync.ts', bytes: 800, language: 'typescript' },
    { path: 'prisma/schema.prisma', bytes: 2000, language: 'prisma' },
    { path: 'src/config.ts', bytes: 700, language: 'typescript' },
    { path: 'Dockerfile', bytes: 200, language: 'dockerfile' },
    { path: 'tests/pay.test.ts', bytes: 5000, language: 'typescript' },
  ];
  const plan = (name: Parameters<typeof planReading>[0], leadFiles: string[] = []) => planReading(name, { map, files, leadFiles }).map((f) => f.path);

  it('reads the lead files first, most cited first, then the files of the role', () => {
    expect(plan('security-auditor', ['src/config.ts', 'src/server.ts', 'src/server.ts'])).toEqual(['src/server.ts', 'src/config.ts', 'src/routes/pay.ts']);
    expect(plan('reliability-auditor')).toEqual(['prisma/schema.prisma', 'src/jobs/sync.ts']);
    expect(plan('ops-auditor')).toEqual(['Dockerfile', 'src/config.ts', 'src/server.ts']);
    expect(plan('system-explorer')).toEqual(['package.json', 'src/server.ts']);
  });

  it('keeps within the read budget: the largest sources for code, a file over the budget passed over', () => {
    expect(plan('code-auditor')).toEqual(['src/big.ts', 'src/routes/pay.ts', 'src/jobs/sync.ts', 'src/config.ts', 'src/server.ts']);
    expect(planReading('code-auditor', { map, files, leadFiles: [], budget: { files: 2, chars: 1_000_000 } }).map((f) => f.path)).toEqual(['src/huge.ts', 'src/big.ts']);
  });
});

describe('prod-audit audit --dry-run', () => {
  it('prints the plan and the estimate, exits 0, writes no report and sends no request', async () => {
    const root = flawedShop();
    fake = await startFakeAnthropic({ script: () => ({ reply: [toolUse('finish', { summary: 'x' })] }) });
    const { io, stdout } = captureIO();
    const code = await main(['audit', root, '--dry-run', '--quiet'], { ...io, env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.baseURL } });
    const out = stdout.join('');
    expect(code).toBe(0);
    expect(out).toMatch(/security-auditor/);
    expect(out).toMatch(/^agent +files +bytes +leads +turns +input tok +cached +output tok +USD$/m);
    expect(out).toMatch(/^total /m);
    expect(out).toMatch(/Agents +would run: model claude-sonnet-5-5/);
    expect(fs.existsSync(path.join(root, 'packages', 'docs', 'audits'))).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('works without a key, with the agent flags, and --json prints one object', async () => {
    const root = flawedShop();
    const { io, stdout } = captureIO();
    const code = await main(['audit', root, '--dry-run', '--json', '--model', 'claude-haiku-5', '--budget-usd', '0.01', '--agents', 'security-auditor'], { ...io, env: {} });
    expect(code).toBe(0);
    const plan = JSON.parse(stdout.join(''));
    expect(plan).toMatchObject({ mode: 'probes-only', estimate: { model: 'claude-haiku-5', exceedsBudget: true } });
    expect(plan.probesOnlyBecause).toMatch(/ANTHROPIC_API_KEY/);
    expect(fs.existsSync(path.join(root, 'packages', 'docs', 'audits'))).toBe(false);
  });
});
