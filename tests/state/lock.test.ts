import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { acquireLock } from '../../src/state/lock.js';
import type { AuditEvent } from '../../src/workflow/events.js';
import { runAudit } from '../../src/workflow/audit.js';
import { byAgentTurn } from '../helpers/agent-turns.js';

import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { flawedShopCopy, makeTree } from '../helpers/tree.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const lockOf = (pid: number) => JSON.stringify({ pid, host: os.hostname(), startedAt: '2026-12-01T00:00:00.000Z' });

describe('the audit lock', () => {
  it('a lock held by a live process → a user error naming its pid and the file to delete if it is gone', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const dir = makeTree({ 'lock': lockOf(sleeper.pid!) });
      const error = await acquireLock(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe(`Another audit of this folder is running (pid ${sleeper.pid}, started 2026-12-01T00:00:00.000Z)`);
      expect(fs.readFileSync(path.join(dir, 'lock'), 'utf8')).toBe(lockOf(sleeper.pid!));
    } finally {
      sleeper.kill();
    }
  });

  it('a lock left by a process that is gone (a crash) → taken over, and released afterwards', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const dir = makeTree({ lock: lockOf(gone) });
    const lock = await acquireLock(dir);
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    await lock.release();
    expect(fs.existsSync(lock.file)).toBe(false);
  });

  it('a lock file that is not ours (garbage) → treated as stale and taken over', async () => {
    const dir = makeTree({ lock: '\u0000\u0001 not a lock' });
    const lock = await acquireLock(dir);
    await lock.release();
    expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);
  });

  it('a state folder that cannot be written → the audit runs without checkpoints and says so once', async () => {
    fake = await startFakeAnthropic({ script: byAgentTurn({}) });
    const root = flawedShopCopy();
    // A file where the state folder should be: mkdir fails with ENOTDIR/EEXIST for any user, root included.
    const blocked = path.join(root, 'not-a-folder');
    fs.writeFileSync(blocked, 'x');
    const events: AuditEvent[] = [];
    const { report } = await runAudit({
      target: root,
      agents: { llm: { apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0, requestTimeoutMs: 5000 }, agents: ['ops-auditor'] },
      state: { dir: path.join(blocked, 'state') },
      onEvent: (e) => events.push(e),
    });
    expect(report.run).toBeNull();
    expect(report.coverage.agents.map((a) => a.status)).toEqual(['completed']);
    expect(events.filter((e) => e.type === 'error').map((e) => (e as { message: string }).message)).toEqual(['checkpoints and the result cache are off: the state folder cannot be written']);
  });
});
