import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes a throwaway folder from a map of relative path → content; returns its path. */
export function makeTree(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-'));
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(root, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return root;
}

/**
 * A private copy of the bundled flawed shop (plus extra files), safe to change and to write state into.
 * Reports left by earlier audits of the example are not copied: each test starts without history.
 */
export function flawedShopCopy(extra: Record<string, string> = {}): string {
  const root = makeTree(extra);
  fs.cpSync('examples/flawed-shop', root, { recursive: true, filter: (source) => !source.includes('packages/docs') });
  return root;
}

/** Collects what a CLI run writes, for in-process tests of `main`. */
export function captureIO(cwd = process.cwd()): { stdout: string[]; stderr: string[]; io: { stdout: { write(t: string): boolean }; stderr: { write(t: string): boolean }; cwd: string } } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    io: {
      stdout: { write: (t: string) => stdout.push(t) > 0 },
      stderr: { write: (t: string) => stderr.push(t) > 0 },
      cwd,
    },
  };
}
