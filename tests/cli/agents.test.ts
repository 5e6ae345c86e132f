import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli.js';
import { byAgent, startFakeAnthropic, toolUse, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { captureIO, makeTree } from '../helpers/tree.js';

const run = promisify(execFile);
let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('prod-audit audit with agents, end to end through the built CLI', () => {
  it('uses ANTHROPIC_API_KEY and --base-url, prints the agents and blocks on the verdict', async () => {
    const finish = { reply: [toolUse('finish', { summary: 'Looked at the leads.' })] };
    fake = await startFakeAnthropic({ script: byAgent({ 'security-auditor': [finish], 'ops-auditor': [finish] }, finish) });
    const target = makeTree({});
    fs.cpSync('examples/flawed-shop', target, { recursive: true });
    const result = await run(process.execPath, [path.resolve('dist/bin.js'), 'audit', target, '--base-url', fake.baseURL, '--agents', 'security-auditor,ops-auditor', '--max-turns', '2', '--quiet'], {
      env: { ...process.env, ANTHROPIC_API_KEY: 'test-key' },
    }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(result.code).toBe(EXIT.blocked);
    expect(result.stdout).toMatch(/Agents: security-auditor completed, ops-auditor completed; \d+ tokens, cost \$\d+\.\d{4}\./);
    expect(new Set(fake.requests.map((r) => r.agent))).toEqual(new Set(['security-auditor', 'ops-auditor']));
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer test-key');
  });
});

describe('agent flags', () => {
  it.each([
    [['--model', 'x'], {}, /--model needs the agents, and ANTHROPIC_API_KEY is not set/],
    [['--max-turns', '0'], { ANTHROPIC_API_KEY: 'k' }, /Expected --max-turns to be an integer from 1 to 500, got "0"/],
    [['--budget-usd', 'lots'], { ANTHROPIC_API_KEY: 'k' }, /Expected --budget-usd to be a number from 0.01 to 10000, got "lots"/],
    [['--concurrency', '1e9'], { ANTHROPIC_API_KEY: 'k' }, /Expected --concurrency to be an integer from 1 to 16/],
    [['--agents', 'penetration-tester'], { ANTHROPIC_API_KEY: 'k' }, /Expected --agents to list system-explorer/],
    [['--base-url', 'file:///etc/passwd'], { ANTHROPIC_API_KEY: 'k' }, /Expected --base-url to be an http\(s\) URL/],
  ])('%j with env %j is a usage error', async (flags, env, message) => {
    const { io, stderr } = captureIO(makeTree({ 'a.ts': 'export const a = 1;\n' }));
    expect(await main(['audit', '.', ...flags], { ...io, env })).toBe(EXIT.usage);
    expect(stderr.join('')).toMatch(message);
  });

  it('--offline ignores a key that is set', async () => {
    const { io, stdout } = captureIO(makeTree({ 'a.ts': 'export const a = 1;\n' }));
    expect(await main(['audit', '.', '--offline', '--quiet', '--out', 'r'], { ...io, env: { ANTHROPIC_API_KEY: 'k' } })).toBe(EXIT.ok);
    expect(stdout.join('')).toContain('Mode: probes only');
  });
});
