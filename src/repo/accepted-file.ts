import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { UserError, isErrnoException } from '../errors.js';
import { AcceptedFile } from '../model/accepted.js';
import { writeFileAtomic } from '../state/atomic-file.js';

/** Where accepted risks live, relative to the audited root: committed with the code they excuse. */
export const ACCEPTED_PATH = '.prod-audit/accepted.json';

/** The root's accepted risks; null when there is no file. A broken file is the user's to fix: a UserError. */
export async function readAcceptedFile(root: string): Promise<AcceptedFile | null> {
  const file = path.join(root, ACCEPTED_PATH);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw new UserError(`Cannot read ${file}: ${isErrnoException(error) ? error.code : String(error)}`, 'Fix its permissions, or remove it.', { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file} is not valid JSON (${jsonProblem(error as Error, text)})`, 'Fix the file, or remove it and accept again with "prod-audit accept".', { cause: error });
  }
  const parsed = AcceptedFile.safeParse(json);
  if (!parsed.success) {
    throw new UserError(`${file} is invalid: ${firstIssue(parsed.error)}`, 'Fix that entry, or remove it and accept again with "prod-audit accept".');
  }
  return parsed.data;
}

/** Writes to a temporary file beside it, then renames: a reader sees the old file or the new one, never half. */
export async function writeAcceptedFile(root: string, data: AcceptedFile): Promise<string> {
  const file = path.join(root, ACCEPTED_PATH);
  const text = `${JSON.stringify(AcceptedFile.parse(data), null, 2)}\n`;
  try {
    await writeFileAtomic(file, text);
  } catch (error) {
    if (isErrnoException(error)) throw new UserError(`Cannot write ${file}: ${error.code}`, 'Check that the folder is writable.', { cause: error });
    throw error;
  }
  return file;
}

/**
 * Where JSON.parse gave up, without the snippet of content V8 puts in its message: the file may be a
 * symlink to anything, or hold a secret, and this line is printed unredacted.
 */
function jsonProblem(error: Error, text: string): string {
  const message = error.message.split('\n')[0]!;
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, '')} at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
  }
  if (/Unexpected end of JSON input/.test(message)) return 'it ends too early';
  const token = /^Unexpected token '(.)'/u.exec(message);
  return token ? `unexpected character '${token[1]}'` : 'not JSON';
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return `${where || 'the file'}: ${issue.message}${more}`;
}
