import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { byAgentTurn, read, until } from '../helpers/agent-turns.js';
import { finish } from '../helpers/faults.js';
import { flawedShopCopy } from '../helpers/tree.js';
import { startFakeAnthropic, type FakeAnthropic, type RecordedRequest, type Step } from '../helpers/fake-anthropic.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const BIN = path.resolve('dist/bin.js');

/** The security auditor hangs on its first request ever; everything else answers at once. */
function stallSecurityOnce(): (request: RecordedRequest) => Step {
  let stalled = false;
  const script = byAgentTurn({
    'system-explorer': [finish('Express shop with Prisma and Stripe.')],
    'code-auditor': [read('src/server.ts'), finish('Read the server.')],
    'security-auditor': [read('src/routes/webhooks.ts'), finish('Read the webhook.')],
  });
  return (request) => {
    const step = script(request);
    if (request.agent !== 'security-auditor' || stalled) return step;
    stalled = true;
    return { stall: 60_000, then: step };
  };
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; `whenStdout` sees stdout as it grows and may signal the process. */
function cli(args: string[], whenStdout?: (stdout: string, kill: (signal: NodeJS.Signals) => void) => void): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ANTHROPIC_API_KEY: 'test-key', CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    whenStdout?.(stdout, (signal) => child.kill(signal));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function interruptWith(signal: NodeJS.Signals) {
  let sent = false;
  return (stdout: string, kill: (s: NodeJS.Signals) => void): void => {
    if (sent || !/"type":"agent-finished","agent":"code-auditor"/.test(stdout)) return;
    sent = true;
    void until(() => fake!.requests.some((r) => r.agent === 'security-auditor')).then(() => kill(signal));
  };
}

/** Interrupts an audit with a signal, then resumes it; asserts the exit, the INCOMPLETE report and that finished agents are not asked again. */
async function interruptThenResume(signal: NodeJS.Signals, code: number): Promise<void> {
  fake = await startFakeAnthropic({ script: stallSecurityOnce() });
  const root = flawedShopCopy();
  const out = path.join(root, 'audits');

  const stopped = await cli(['audit', root, '--out', out, ...agentFlags(fake.baseURL)], interruptWith(signal));
  expect(stopped.code).toBe(code);
  const resumeLine = /Resume with: prod-audit audit (\S+) --resume (\S+)/.exec(stopped.stderr);
  expect(resumeLine, stopped.stderr).not.toBeNull();
  expect(stopped.stderr).not.toMatch(/\n\s+at /);
  const [md] = fs.readdirSync(out).filter((f) => f.endsWith('.md'));
  const report = fs.readFileSync(path.join(out, md!), 'utf8');
  expect(report).toMatch(new RegExp(`\\*\\*INCOMPLETE\\*\\* — interrupted by ${signal}`));
  expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);

  const mark = fake.requests.length;
  // The resume need not name the flags or the endpoint: they come from the run; one given again replaces the run's.
  const resumed = await cli(['audit', root, '--resume', ...(signal === 'SIGTERM' ? [resumeLine![2]!, '--format', 'json,md'] : [])]);
  expect(resumed.code, resumed.stderr).toBe(1);
  const after = fake.requests.slice(mark);
  expect(after.filter((r) => r.agent === 'system-explorer' || r.agent === 'code-auditor')).toEqual([]);
  expect(after.some((r) => r.agent === 'security-auditor')).toBe(true);
  const json = fs.readdirSync(out).filter((f) => f.endsWith('.json')).sort().at(-1)!;
  const final = JSON.parse(fs.readFileSync(path.join(out, json), 'utf8'));
  expect(final.incomplete).toBeNull();
  expect(final.run).toMatchObject({ id: resumeLine![2], resumed: true });
}

const agentFlags = (baseURL: string) => ['--base-url', baseURL, '--agents', 'system-explorer,code-auditor,security-auditor', '--json', '--format', 'md,json'];

describe('signals mid-run, then --resume, through the built CLI', () => {
  it('SIGINT mid-run → exit 130, an INCOMPLETE report and the resume command; `--resume` makes no model call for the agents that had finished', () => interruptThenResume('SIGINT', 130));

  it('SIGTERM mid-run → exit 143, the same; `--resume RUN-ID` continues that run', () => interruptThenResume('SIGTERM', 143));

  it('two audits of the same root at once → the second exits 2 naming the one that runs, and changes nothing', async () => {
    fake = await startFakeAnthropic({ script: stallSecurityOnce() });
    const root = flawedShopCopy();
    let second: Exit | undefined;
    const first = cli(['audit', root, ...agentFlags(fake.baseURL)], (stdout, kill) => {
      if (second || !/"agent":"code-auditor"/.test(stdout)) return;
      second = { code: -1, stdout: '', stderr: '' };
      void cli(['audit', root, ...agentFlags(fake!.baseURL)]).then((exit) => {
        second = exit;
        kill('SIGINT');
      });
    });
    const firstExit = await first;
    expect(second!.code).toBe(2);
    expect(second!.stderr).toMatch(/^prod-audit: Another audit of this folder is running \(pid \d+, started [^)]+\)\. Wait for it to finish/);
    expect(second!.stderr.trim().split('\n')).toHaveLength(1);
    expect(firstExit.code).toBe(130);
  });
});
