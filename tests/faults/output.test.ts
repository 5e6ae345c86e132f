/**
 * Faults when writing the reports, through the CLI (`main`, offline): a folder that cannot be written, a path
 * through a file, a full disk and a rename that fails half-way. A run leaves all of its reports or none, and no
 * temporary file.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, main } from '../../src/cli.js';
import { tinyRepo } from '../helpers/faults.js';
import { captureIO, makeTree } from '../helpers/tree.js';
// The CLI loads the engine and the renderers on demand; loading them here keeps that out of each test's time limit.
import '../../src/workflow/audit.js';
import '../../src/report/progress.js';
import '../../src/report/sarif.js';
import '../../src/report/html.js';

const isRoot = process.getuid?.() === 0;
const T = { timeout: 10_000 };

afterEach(() => vi.restoreAllMocks());

async function audit(root: string, out: string): Promise<{ code: number; stderr: string; stdout: string }> {
  const { io, stderr, stdout } = captureIO(root);
  const code = await main(['audit', root, '--quiet', '--out', out], io);
  return { code, stderr: stderr.join(''), stdout: stdout.join('') };
}

let nobody: boolean | undefined;
function nobodyCanRun(): boolean {
  nobody ??= spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.resolve('dist/bin.js'), '--version']).status === 0;
  return nobody;
}

/** The built CLI as user nobody (through setpriv), on a target nobody may read. */
function asNobody(root: string, out: string): { code: number; stderr: string; stdout: string } {
  for (let dir = root; dir !== path.dirname(dir); dir = path.dirname(dir)) if (dir.startsWith(os.tmpdir()) && dir !== os.tmpdir()) fs.chmodSync(dir, 0o755);
  fs.chmodSync(path.dirname(out), 0o755);
  const bin = path.resolve('dist/bin.js');
  const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'audit', root, '--quiet', '--out', out], { encoding: 'utf8', cwd: '/' });
  if (run.error) throw new Error(`setpriv is needed to run this test as root: ${run.error.message}`);
  return { code: run.status ?? -1, stderr: run.stderr, stdout: run.stdout };
}

function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

const errno = (code: string, syscall: string) => Object.assign(new Error(`${code}: simulated ${syscall} failure`), { code, syscall });

describe('the output folder', () => {
  it('read-only output folder (chmod 555) → exit 2, one line naming EACCES, no report and no temp file', T, async () => {
    const root = tinyRepo();
    const out = makeTree({});
    fs.chmodSync(out, 0o555);
    try {
      // Root writes through any mode, so as root the built CLI runs as nobody, who cannot; where nobody
      // cannot even read this checkout, the file system's answer to root is simulated instead.
      if (isRoot && !nobodyCanRun()) vi.spyOn(fsp, 'writeFile').mockRejectedValue(errno('EACCES', 'open'));
      const { code, stderr, stdout } = isRoot && nobodyCanRun() ? asNobody(root, out) : await audit(root, out);
      expect(code).toBe(EXIT.usage);
      expectOneLine(stderr, /^prod-audit: Cannot write the report to .*: EACCES\. Choose a writable folder with --out DIR\.$/);
      expect(stdout).toBe('');
      expect(filesUnder(out)).toEqual([]);
    } finally {
      fs.chmodSync(out, 0o755);
    }
  });

  it('--out is an existing file (works as root too) → exit 2, one line saying the path is a file, the file untouched', T, async () => {
    const root = tinyRepo();
    const out = path.join(makeTree({ 'reports': 'a file, not a folder' }), 'reports');
    const { code, stderr, stdout } = await audit(root, out);
    expect(code).toBe(EXIT.usage);
    expectOneLine(stderr, /^prod-audit: Cannot write the report to .*reports: EEXIST\. Choose a writable folder with --out DIR: this path is a file\.$/);
    expect(stdout).toBe('');
    expect(fs.readFileSync(out, 'utf8')).toBe('a file, not a folder');
    expect(filesUnder(path.dirname(out))).toEqual(['reports']);
  });

  it('output folder missing (three levels deep) → created, all four reports written', T, async () => {
    const root = tinyRepo();
    const out = path.join(makeTree({}), 'a', 'b', 'audits');
    const { code, stderr } = await audit(root, out);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(filesUnder(out).map((f) => path.extname(f)).sort()).toEqual(['.html', '.json', '.md', '.sarif']);
  });

  it('output parent is a file → exit 2, one line naming ENOTDIR, nothing created', T, async () => {
    const root = tinyRepo();
    const parent = makeTree({ 'blocker': 'a file where a folder should be' });
    const { code, stderr } = await audit(root, path.join(parent, 'blocker', 'audits'));
    expect(code).toBe(EXIT.usage);
    expectOneLine(stderr, /^prod-audit: Cannot write the report to .*blocker\/audits: ENOTDIR\. Choose a writable folder with --out DIR: part of this path is a file\.$/);
    expect(filesUnder(parent)).toEqual(['blocker']);
  });
});

describe('the disk', () => {
  it('disk full on the third report (ENOSPC) → exit 2, one line "the disk is full" naming the folder and the next step, no report and no .tmp left', T, async () => {
    const root = tinyRepo();
    const out = path.join(makeTree({}), 'audits');
    const writeFile = fsp.writeFile;
    let temps = 0;
    vi.spyOn(fsp, 'writeFile').mockImplementation(async (file, ...rest) => {
      if (String(file).endsWith('.tmp') && ++temps === 3) {
        // The disk fills half-way through the file: part of it is on disk when the write fails.
        await writeFile(file, 'half a report', { flag: 'wx' });
        throw errno('ENOSPC', 'write');
      }
      return writeFile(file, ...(rest as [string]));
    });
    const { code, stderr, stdout } = await audit(root, out);
    expect(temps).toBe(3);
    expect(code).toBe(EXIT.usage);
    expectOneLine(stderr, new RegExp(`^prod-audit: Cannot write the report to ${out}: the disk is full \\(ENOSPC\\)\\. Free some space on that disk, or choose a folder on another one with --out DIR\\.$`));
    expect(stdout).toBe('');
    expect(filesUnder(out)).toEqual([]);
  });

  it('a rename failing half-way (EIO on the second) → exit 2, one line; the report already renamed is removed too: all formats or none', T, async () => {
    const root = tinyRepo();
    const out = path.join(makeTree({}), 'audits');
    const rename = fsp.rename;
    let renames = 0;
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      if (++renames === 2) throw errno('EIO', 'rename');
      return rename(from, to);
    });
    const { code, stderr } = await audit(root, out);
    expect(renames).toBe(2);
    expect(code).toBe(EXIT.usage);
    expectOneLine(stderr, /^prod-audit: Cannot write the report to .*: an input\/output error \(EIO\)\. Check that disk/);
    expect(filesUnder(out)).toEqual([]);
  });

  it('a rename failing with EXDEV (not a known output error) → exit 3 internal error, and still no half set of reports', T, async () => {
    const root = tinyRepo();
    const out = path.join(makeTree({}), 'audits');
    const rename = fsp.rename;
    let renames = 0;
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      if (++renames === 3) throw errno('EXDEV', 'rename');
      return rename(from, to);
    });
    const { code, stderr } = await audit(root, out);
    expect(code).toBe(EXIT.internal);
    expect(stderr).toMatch(/^prod-audit: internal error — please report it/);
    expect(filesUnder(out)).toEqual([]);
  });
});
