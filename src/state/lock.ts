import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { UserError, isErrnoException } from '../errors.js';
import { readJsonIfValid } from './atomic-file.js';

const LockFile = z.object({ pid: z.number().int().positive(), host: z.string(), startedAt: z.string() });
type LockFile = z.infer<typeof LockFile>;

export interface AuditLock {
  readonly file: string;
  release(): Promise<void>;
}

/**
 * One audit per root at a time: two would write the same checkpoints and cache entries. The lock is a
 * file created exclusively; one left by a process that is gone (crashed, killed) is taken over, so a
 * crash never needs a person to clean up. A lock that cannot be read as ours is treated as stale too.
 */
export async function acquireLock(stateDir: string): Promise<AuditLock> {
  const file = path.join(stateDir, 'lock');
  const mine: LockFile = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  await fs.mkdir(stateDir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      return { file, release: () => releaseIfMine(file) };
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'EEXIST') throw error;
    }
    const holder = await readLock(file);
    if (holder && isAlive(holder)) {
      throw new UserError(
        `Another audit of this folder is running (pid ${holder.pid}, started ${holder.startedAt})`,
        `Wait for it to finish; if that process is gone from another machine, delete ${file}.`,
      );
    }
    // Stale: its process is gone. Remove it and race for it again; the exclusive create decides.
    await fs.rm(file, { force: true });
  }
  throw new UserError(`Could not take the audit lock ${file}`, 'Another audit keeps taking it; wait for it to finish.');
}

async function readLock(file: string): Promise<LockFile | undefined> {
  const parsed = LockFile.safeParse(await readJsonIfValid(file));
  return parsed.success ? parsed.data : undefined;
}

/** A lock from another host cannot be checked, so it is honoured; on this host the process must exist. */
function isAlive(lock: LockFile): boolean {
  if (lock.host !== os.hostname()) return true;
  if (lock.pid === process.pid) return true;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isErrnoException(error) && error.code === 'EPERM';
  }
}

async function releaseIfMine(file: string): Promise<void> {
  const holder = await readLock(file);
  if (holder?.pid === process.pid && holder.host === os.hostname()) await fs.rm(file, { force: true });
}
