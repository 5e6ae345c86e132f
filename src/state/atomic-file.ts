import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes beside the target and renames into place, so a reader (or a run resumed after a crash)
 * sees the old file or the new one, never half of one. The folder is created when missing.
 * Errors are the file system's own (callers turn them into user errors where that fits).
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(temp, text, { flag: 'wx' });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** A JSON file's parsed content; undefined when it is missing, unreadable or not JSON (the caller decides what that means). */
export async function readJsonIfValid(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
