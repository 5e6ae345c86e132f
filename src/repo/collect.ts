import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError, isErrnoException } from '../errors.js';
import { readGitFacts } from './git.js';
import { IgnoreRules } from './ignore-rules.js';
import { detectLanguage } from './language.js';
import { findSecrets, redactSecrets } from './secrets.js';
import { SourceFile, type RepoView, type SecretSighting, type SkipReason, type SkippedFile } from './view.js';

export interface CollectOptions {
  /** Files larger than this are skipped and listed as not audited. @default 1 MiB */
  readonly maxFileBytes?: number;
  /** Extra exclude patterns in .gitignore syntax. */
  readonly exclude?: readonly string[];
  /** Apply the default excludes (dependencies, build output, minified files). @default true */
  readonly defaultExcludes?: boolean;
  /** Read git facts through simple-git. @default true */
  readonly git?: boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const READ_CONCURRENCY = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Resolves and checks the audit target, turning every way it can be wrong into a UserError. */
export async function resolveTarget(target: string): Promise<string> {
  let stat;
  try {
    stat = await fs.stat(target);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      throw new UserError(`Path not found: ${target}`, 'Check the path, or run from the repository and use "."');
    }
    if (isErrnoException(error) && error.code === 'EACCES') {
      throw new UserError(`Cannot access ${target}: permission denied`, 'Run as a user who can read it.');
    }
    throw new UserError(`Cannot open ${target}: ${String(error)}`, 'Check the path and its permissions.', { cause: error });
  }
  if (!stat.isDirectory()) {
    throw new UserError(`Not a folder: ${target}`, 'Give the repository folder that contains the file, not the file.');
  }
  return fs.realpath(target);
}

/** Walks the target once and reads every auditable text file. */
export async function collectRepo(target: string, options: CollectOptions = {}): Promise<RepoView> {
  const root = await resolveTarget(target);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const candidates: string[] = [];
  const skipped: SkippedFile[] = [];
  try {
    await walk(root, '', IgnoreRules.create(options.defaultExcludes === false ? [] : undefined, options.exclude), candidates, skipped);
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'EACCES' || error.code === 'EPERM')) {
      throw new UserError(`Cannot read folder ${target}: permission denied`, 'Run as a user who can read it, or fix its permissions.');
    }
    throw error;
  }

  const files: SourceFile[] = [];
  const secrets: SecretSighting[] = [];
  let totalBytes = 0;
  for (let i = 0; i < candidates.length; i += READ_CONCURRENCY) {
    const batch = candidates.slice(i, i + READ_CONCURRENCY);
    const results = await Promise.all(batch.map((rel) => readCandidate(root, rel, maxBytes)));
    for (const result of results) {
      if ('reason' in result) {
        skipped.push(result);
        continue;
      }
      files.push(result);
      totalBytes += result.bytes;
      for (const match of findSecrets(result.text)) {
        secrets.push({ ...match, file: result.path, line: result.lineAt(match.start) });
      }
    }
  }
  if (files.length === 0) {
    const why = skipped.length > 0 ? `all ${skipped.length} files were skipped (binary, too large or unreadable)` : 'it has no files to audit';
    throw new UserError(`Nothing to audit in ${target}: ${why}`, 'Point prod-audit at a folder with source code.');
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  const git = options.git === false ? null : await readGitFacts(root);
  return { root, files, skipped, secrets, git, totalBytes };
}

/**
 * Control characters (newlines, terminal escapes) and bidirectional overrides in a name would forge
 * lines in the reports and the terminal, or show a path other than the real one.
 */
const UNSAFE_NAME = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The path as it may be shown: every unsafe character as a visible escape (`\n`, `\u202e`). */
export function escapeUnsafeName(rel: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return rel.replace(UNSAFE_NAME, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

async function walk(absDir: string, relDir: string, parentRules: IgnoreRules, out: string[], skipped: SkippedFile[]): Promise<void> {
  const rules = await parentRules.enter(absDir, relDir);
  const entries = await fs.readdir(absDir, { withFileTypes: true });
  for (const entry of entries) {
    const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    if (escapeUnsafeName(entry.name) !== entry.name || findSecrets(entry.name).length > 0) {
      // A name that is a secret would travel into the map, the agents' leads and the reports: not read, listed redacted.
      const shown = entry.isDirectory() ? `${rel}/` : rel;
      if (!rules.ignores(shown)) skipped.push({ path: redactSecrets(escapeUnsafeName(shown)), reason: 'unsafe-name' });
      continue;
    }
    if (entry.isDirectory()) {
      if (rules.ignores(`${rel}/`)) continue;
      try {
        await walk(path.join(absDir, entry.name), rel, rules, out, skipped);
      } catch (error) {
        // A subfolder we may not read is listed as not audited; only the root itself is fatal.
        if (isErrnoException(error) && (error.code === 'EACCES' || error.code === 'EPERM')) {
          skipped.push({ path: `${rel}/`, reason: 'unreadable' });
        } else throw error;
      }
      continue;
    }
    if (rules.ignores(rel)) continue;
    if (entry.isSymbolicLink()) skipped.push({ path: rel, reason: 'symlink' });
    else if (entry.isFile()) out.push(rel);
    else skipped.push({ path: rel, reason: 'special-file' });
  }
}

async function readCandidate(root: string, rel: string, maxBytes: number): Promise<SourceFile | SkippedFile> {
  const skip = (reason: SkipReason): SkippedFile => ({ path: rel, reason });
  let buffer: Buffer;
  try {
    const handle = await fs.open(path.join(root, rel), 'r');
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) return skip('too-large');
      buffer = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch {
    return skip('unreadable');
  }
  if (buffer.subarray(0, 8000).includes(0)) return skip('binary');
  let text: string;
  try {
    text = utf8.decode(buffer);
  } catch {
    return skip('not-utf8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return new SourceFile(rel, detectLanguage(rel), text, buffer.length);
}
