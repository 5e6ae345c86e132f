/**
 * The primary speed tree: a named, pinned set of installed third-party packages (this project's own
 * dependencies, versions from package-lock.json), copied into one folder so the scan sees a plain
 * tree. Pinned so the benchmark does not drift as dependencies are added to node_modules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** ≥ 500k lines of real code nobody here wrote: an API client, a validation library, a linter, a protocol SDK. */
export const PINNED_PACKAGES: readonly { name: string; version: string }[] = [
  { name: '@anthropic-ai/sdk', version: '1.12.0' },
  { name: '@modelcontextprotocol/sdk', version: '1.32.2' },
  { name: 'eslint', version: '10.15.0' },
  { name: 'zod', version: '4.6.7' },
];

export interface PinnedPackage {
  readonly name: string;
  readonly version: string;
  /** The version installed, when it is not the pinned one: the tree is then not the benchmark's. */
  readonly installed: string;
  readonly files: number;
  readonly lines: number;
}

/** Copies the pinned packages (without their nested node_modules) into a fresh folder under the system's temporary folder. */
export function buildPinnedTree(repo: string): { root: string; packages: PinnedPackage[] } {
  const root = path.join(os.tmpdir(), 'prod-audit-bench-pinned');
  fs.rmSync(root, { recursive: true, force: true });
  const packages = PINNED_PACKAGES.map(({ name, version }) => {
    const from = path.join(repo, 'node_modules', name);
    if (!fs.existsSync(from)) throw new Error(`Expected ${name}@${version} installed in node_modules for the pinned benchmark tree, got nothing (run npm ci)`);
    const to = path.join(root, name);
    fs.cpSync(from, to, { recursive: true, filter: (src) => !src.slice(from.length).split(path.sep).includes('node_modules') });
    const installed = (JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8')) as { version: string }).version;
    return { name, version, installed, ...count(to) };
  });
  return { root, packages };
}

/** Regular files and their lines, as the scan counts them (text split on newlines). */
function count(dir: string): { files: number; lines: number } {
  let files = 0;
  let lines = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    lines += fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8').split(/\r?\n/).length;
  }
  return { files, lines };
}
