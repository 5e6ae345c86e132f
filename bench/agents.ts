/**
 * Agent fan-out against a fake model of fixed latency: how close the parallel phase comes to its
 * slowest agent (goal ≤ 1.2), and how many bytes of input an audit sends per byte of repository.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAudit } from '../src/workflow/audit.js';
import { byAgent, startFakeAnthropic, toolUse, type Step } from '../tests/helpers/fake-anthropic.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const LATENCY_MS = 250;

/** Every agent reads two files, reports nothing new and finishes: three turns of fixed latency. */
function agentScript(): Step[] {
  const slow = (step: Step): Step => ({ stall: LATENCY_MS, then: step });
  return [
    slow({ reply: [toolUse('system_map', {})] }),
    slow({ reply: [toolUse('read_file', { path: 'src/app.ts' }), toolUse('search', { pattern: 'stripe' })] }),
    slow({ reply: [toolUse('finish', { summary: 'Checked the leads.' })] }),
  ];
}

export async function benchAgents(): Promise<void> {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-bench-'));
  fs.cpSync(path.join(here, '..', 'examples', 'flawed-shop'), target, { recursive: true });
  const names = ['system-explorer', 'code-auditor', 'security-auditor', 'reliability-auditor', 'ops-auditor'];
  const fake = await startFakeAnthropic({ script: byAgent(Object.fromEntries(names.map((n) => [n, agentScript()]))) });
  try {
    const started = performance.now();
    const { report } = await runAudit({ target, agents: { llm: { apiKey: 'bench', baseURL: fake.baseURL, requestTimeoutMs: 10_000 }, concurrency: 4 } });
    const wall = performance.now() - started;
    const runs = report.coverage.agents;
    const explorer = runs.find((a) => a.name === 'system-explorer')!.durationMs;
    const others = runs.filter((a) => a.name !== 'system-explorer');
    const slowest = Math.max(...others.map((a) => a.durationMs));
    // The parallel phase: from the first of the four starting to the last of them finishing.
    const starts = others.map((a) => Date.parse(a.startedAt));
    const fanOut = Math.max(...others.map((a, i) => starts[i]! + a.durationMs)) - Math.min(...starts);
    const sentBytes = fake.requests.reduce((sum, r) => sum + r.rawBody.length, 0);
    console.log(`\nAgent fan-out, fake model with ${LATENCY_MS} ms per reply, 3 turns per agent, examples/flawed-shop\n`);
    console.log('| measure | value |');
    console.log('| --- | ---: |');
    console.log(`| whole audit wall time | ${(wall / 1000).toFixed(2)} s |`);
    console.log(`| system explorer (runs first, alone) | ${(explorer / 1000).toFixed(2)} s |`);
    console.log(`| parallel phase (four agents) | ${(fanOut / 1000).toFixed(2)} s |`);
    console.log(`| slowest single agent | ${(slowest / 1000).toFixed(2)} s |`);
    console.log(`| fan-out wall time / slowest agent (goal ≤ 1.2) | ${(fanOut / slowest).toFixed(2)} |`);
    console.log(`| requests | ${fake.requests.length} |`);
    console.log(`| input bytes sent | ${sentBytes} |`);
    console.log(`| repository bytes | ${report.coverage.bytesAudited} |`);
    console.log(`| input bytes sent / repository bytes | ${(sentBytes / report.coverage.bytesAudited).toFixed(2)} |`);
  } finally {
    await fake.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(here, 'agents.ts')) await benchAgents();
