import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/cli.js';
import { APP, auditTree, cli, expectOneLineError, listTree, skippedReasons, spawnCli } from '../helpers/hostile.js';
import { makeTree } from '../helpers/tree.js';

afterEach(() => vi.restoreAllMocks());

/** The APP tree's verdict and exit code, against which every hostile variant is compared. */
const BASELINE = { code: EXIT.blocked, rating: 'NOT READY' };

function expectAppVerdict(run: Awaited<ReturnType<typeof auditTree>>): void {
  expect(run.code, run.stderr).toBe(BASELINE.code);
  expect(run.reports.report.verdict.rating).toBe(BASELINE.rating);
  expect(run.reports.report.findings.some((f) => f.ruleId === 'sql-string-concat' && f.evidence[0]!.file === 'src/server.ts' && f.evidence[0]!.startLine === 5)).toBe(true);
}


describe('enormous and binary files', () => {
  it('a 2 MiB text file → skipped as "too-large", the rest is audited and the verdict stands', async () => {
    const run = await auditTree({ ...APP, 'src/huge.ts': `export const x = [\n${'  1,\n'.repeat(420_000)}];\n` });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/huge.ts']).toBe('too-large');
  });

  it('a 50 MB file → skipped as "too-large" by its size, never read', async () => {
    const root = makeTree(APP);
    fs.closeSync(fs.openSync(path.join(root, 'dump.sql'), 'w'));
    fs.truncateSync(path.join(root, 'dump.sql'), 50 * 1024 * 1024);
    const run = await auditTree(root);
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['dump.sql']).toBe('too-large');
  });

  it('a single 1.5 MB line → skipped as "too-large", no quote of it in any report', async () => {
    const line = `export const blob = "${'A1b2'.repeat(375_000)}";`;
    const run = await auditTree({ ...APP, 'src/blob.ts': line });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/blob.ts']).toBe('too-large');
    expect(run.reports.all).not.toContain('A1b2A1b2A1b2A1b2');
  });

  it('a 400 KB single line just under the limit → audited, the audit completes with the same verdict', async () => {
    const run = await auditTree({ ...APP, 'src/packed.ts': `export const table = [${Array.from({ length: 60_000 }, (_, i) => i).join(',')}];\n` });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/packed.ts']).toBeUndefined();
    expect(run.reports.report.coverage.filesAudited).toBe(4);
  });

  it('a minified bundle (*.min.js) → excluded by default and not counted as audited', async () => {
    const run = await auditTree({ ...APP, 'public/app.min.js': `var a=1;${'function f(){return 1};'.repeat(10_000)}` });
    expectAppVerdict(run);
    expect(run.reports.report.coverage.filesAudited).toBe(3);
    expect(run.reports.report.findings.every((f) => !f.evidence[0]!.file.endsWith('.min.js'))).toBe(true);
  });

  it('a PNG image → skipped as "binary"', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR'), Buffer.alloc(64, 7)]);
    const run = await auditTree({ ...APP, 'public/logo.png': png });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['public/logo.png']).toBe('binary');
  });

  it('a binary file named .ts (NUL bytes) → skipped as "binary", no parser error, same verdict', async () => {
    const run = await auditTree({ ...APP, 'src/evil.ts': Buffer.concat([Buffer.from('export const a = '), Buffer.alloc(32, 0), Buffer.from([0xff, 0xfe, 0x00, 0x01])]) });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/evil.ts']).toBe('binary');
    expect(run.reports.md).not.toMatch(/failed to run/);
  });

  it('a repository of binaries only → exit 2 "Nothing to audit … all 2 files were skipped", nothing written', async () => {
    const root = makeTree({ 'a.bin': Buffer.alloc(10, 0), 'b.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]) });
    const run = await cli(['audit', root]);
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Nothing to audit in .*: all 2 files were skipped/);
    expect(listTree(root)).toEqual(['a.bin', 'b.png']);
  });
});

describe('deep, wide and empty trees', () => {
  it('200 nested folders → the file at the bottom is audited and cited with its full path', async () => {
    const deep = `${Array.from({ length: 200 }, (_, i) => `d${i}`).join('/')}/server.ts`;
    const run = await auditTree({ 'package.json': APP['package.json'], 'src/db.ts': APP['src/db.ts'], [deep]: APP['src/server.ts'].replace("'./db'", "'../db'") });
    expect(run.code, run.stderr).toBe(EXIT.blocked);
    expect(run.reports.report.findings.some((f) => f.ruleId === 'sql-string-concat' && f.evidence[0]!.file === deep)).toBe(true);
  });

  it('5,000 small files → all audited, the audit completes in seconds', async () => {
    const files: Record<string, string> = { ...APP };
    for (let i = 0; i < 5000; i++) files[`src/gen/m${Math.floor(i / 100)}/f${i}.ts`] = `export const v${i} = ${i};\n`;
    const started = Date.now();
    const run = await auditTree(files, ['--format', 'json']);
    expectAppVerdict(run);
    expect(run.reports.report.coverage.filesAudited).toBe(5003);
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it('an empty folder → exit 2 "it has no files to audit", nothing written', async () => {
    const root = makeTree({});
    const run = await cli(['audit', root]);
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Nothing to audit in .*: it has no files to audit\. Point prod-audit at a folder/);
    expect(run.stdout).toBe('');
    expect(listTree(root)).toEqual([]);
  });

  it('a repository whose files are all ignored (node_modules, dist, .gitignore) → exit 2 "Nothing to audit", nothing written', async () => {
    const root = makeTree({ '.gitignore': 'secret-notes/\n*.log\n', 'node_modules/x/index.js': 'module.exports = 1;\n', 'dist/app.js': 'x();\n', 'secret-notes/a.ts': 'export {}\n', 'debug.log': 'boom\n' });
    fs.rmSync(path.join(root, '.gitignore'));
    fs.writeFileSync(path.join(root, '.gitignore'), '*\n');
    const before = listTree(root);
    const run = await cli(['audit', root]);
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Nothing to audit in /);
    expect(listTree(root)).toEqual(before);
  });
});

describe('symlinks and targets', () => {
  it('a symlink loop a → b → a → both skipped as "symlink", the audit completes', async () => {
    const root = makeTree(APP);
    fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
    fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
    const run = await auditTree(root);
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)).toMatchObject({ 'loop-a': 'symlink', 'loop-b': 'symlink' });
  });

  it('a folder symlinked to its own parent → skipped as "symlink", the walk does not recurse', async () => {
    const root = makeTree(APP);
    fs.symlinkSync('..', path.join(root, 'src', 'up'));
    fs.symlinkSync('.', path.join(root, 'self'));
    const run = await auditTree(root);
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)).toMatchObject({ 'src/up': 'symlink', self: 'symlink' });
    expect(run.reports.report.coverage.filesAudited).toBe(3);
  });

  it('a symlink to /etc/passwd → skipped as "symlink", none of its lines in any report', async () => {
    const root = makeTree(APP);
    fs.symlinkSync('/etc/passwd', path.join(root, 'passwd.ts'));
    const run = await auditTree(root);
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['passwd.ts']).toBe('symlink');
    expect(run.reports.all + run.stdout + run.stderr).not.toMatch(/root:x:0:0/);
  });

  it('a symlinked folder leading to a sibling that holds a secret → not followed, the secret appears nowhere', async () => {
    const value = ['Sibling', 'Pa55', 'word', '!x9'].join('');
    const sibling = makeTree({ 'config.ts': `export const password = '${value}';\n` });
    const root = makeTree(APP);
    fs.symlinkSync(sibling, path.join(root, 'shared'));
    const run = await auditTree(root);
    expectAppVerdict(run);
    expect(skippedReasons(run.reports).shared).toBe('symlink');
    expect(run.reports.all + run.stdout + run.stderr).not.toContain(value);
    expect(listTree(sibling)).toEqual(['config.ts']);
  });

  it('a target path that is itself a symlink → the real folder is audited, default reports land inside it', async () => {
    const real = makeTree(APP);
    const link = path.join(makeTree({}), 'link-to-repo');
    fs.symlinkSync(real, link);
    const run = await cli(['audit', link, '--quiet', '--format', 'json']);
    expect(run.code, run.stderr).toBe(EXIT.blocked);
    expect(fs.readdirSync(path.join(real, 'packages/docs/audits'))).toHaveLength(1);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(path.dirname(link))).toEqual(['link-to-repo']);
  });

  it('a target that is a file → exit 2 "Not a folder", nothing written', async () => {
    const root = makeTree(APP);
    const run = await cli(['audit', path.join(root, 'src/server.ts')]);
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Not a folder: .*server\.ts\. Give the repository folder/);
    expect(listTree(root)).toEqual(['package.json', 'src', 'src/db.ts', 'src/server.ts']);
  });

  it('a target that does not exist → exit 2 "Path not found", nothing created', async () => {
    const parent = makeTree({});
    const run = await cli(['audit', path.join(parent, 'nope'), '--out', path.join(parent, 'nope', 'reports')]);
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Path not found: .*nope\. Check the path/);
    expect(listTree(parent)).toEqual([]);
  });

  it('a target whose root cannot be read (EACCES) → exit 2, one line, nothing written', async () => {
    const root = makeTree(APP);
    vi.spyOn(fsp, 'readdir').mockRejectedValue(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    const run = await cli(['audit', root]);
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Cannot read folder .*: permission denied\./);
    expect(listTree(root)).toEqual(['package.json', 'src', 'src/db.ts', 'src/server.ts']);
  });

  it('a subfolder that cannot be read (EACCES) → listed as "unreadable", the rest is audited', async () => {
    const root = makeTree({ ...APP, 'private/keys.ts': 'export {}\n' });
    const realReaddir = fsp.readdir.bind(fsp);
    vi.spyOn(fsp, 'readdir').mockImplementation((async (dir: string, options: unknown) => {
      if (String(dir).endsWith(`${path.sep}private`)) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return realReaddir(dir, options as never);
    }) as never);
    const run = await auditTree(root);
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['private/']).toBe('unreadable');
  });

  it('a file that cannot be opened (EACCES) → skipped as "unreadable", the audit completes', async () => {
    const root = makeTree({ ...APP, 'src/locked.ts': 'export const locked = 1;\n' });
    const realOpen = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation((async (file: string, ...rest: unknown[]) => {
      if (String(file).endsWith('locked.ts')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return realOpen(file, ...(rest as [never]));
    }) as never);
    const run = await auditTree(root);
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/locked.ts']).toBe('unreadable');
  });

  it('a named pipe (FIFO) → skipped as "special-file", the audit does not block on it', async () => {
    const root = makeTree(APP);
    execFileSync('mkfifo', [path.join(root, 'src', 'pipe.ts')]);
    const run = await auditTree(root);
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/pipe.ts']).toBe('special-file');
  });
});

describe('encodings and line endings', () => {
  it('invalid UTF-8 (a lone 0xC3, an overlong 0xC0 0xAF) → skipped as "not-utf8"', async () => {
    const run = await auditTree({ ...APP, 'src/bad.ts': Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x20, 0xc3, 0x28, 0xc0, 0xaf, 0x0a]) });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/bad.ts']).toBe('not-utf8');
  });

  it('UTF-16 LE with a BOM → skipped as "binary" (its NUL bytes), same verdict', async () => {
    const run = await auditTree({ ...APP, 'src/wide.ts': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("export const a = 'x';\n", 'utf16le')]) });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/wide.ts']).toBe('binary');
  });

  it('UTF-16 BE with a BOM → skipped as "binary", same verdict', async () => {
    const le = Buffer.from("export const a = 'x';\n", 'utf16le');
    const run = await auditTree({ ...APP, 'src/wide-be.ts': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]) });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/wide-be.ts']).toBe('binary');
  });

  it('a UTF-8 BOM → audited; findings keep their line numbers and quotes', async () => {
    const run = await auditTree({ ...APP, 'src/server.ts': `\ufeff${APP['src/server.ts']}` });
    expectAppVerdict(run);
    const sql = run.reports.report.findings.find((f) => f.ruleId === 'sql-string-concat')!;
    expect(sql.evidence[0]!.startLine).toBe(5);
    expect(sql.evidence[0]!.lines.join('\n')).toContain("'SELECT * FROM orders WHERE id = ' + req.query.id");
    expect(run.reports.json).not.toContain('\ufeff');
  });

  it('CRLF line endings → audited, findings at the same lines as with LF', async () => {
    const run = await auditTree({ ...APP, 'src/server.ts': APP['src/server.ts'].replace(/\n/g, '\r\n') });
    expectAppVerdict(run);
    expect(run.reports.md).not.toMatch(/\r/);
    expect(run.reports.report.findings.find((f) => f.ruleId === 'sql-string-concat')!.evidence[0]!.lines.join('')).not.toContain('\r');
  });

  it('lone CR line endings (classic Mac) → audited, not skipped, the audit completes', async () => {
    const run = await auditTree({ ...APP, 'src/legacy.ts': "export const a = 1;\rexport const b = 2;\rexport const password = process.env.X;\r" });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/legacy.ts']).toBeUndefined();
    expect(run.reports.report.coverage.filesAudited).toBe(4);
  });

  it('LF, CRLF and CR mixed in one file → audited, the SQL finding is still at line 5', async () => {
    const lines = APP['src/server.ts'].split('\n');
    const mixed = lines.map((l, i) => l + (i % 3 === 0 ? '\r\n' : i % 3 === 1 ? '\n' : '\r\n')).join('');
    const run = await auditTree({ ...APP, 'src/server.ts': mixed });
    expectAppVerdict(run);
  });

  it('a NUL byte in the first 8 KB → skipped as "binary"', async () => {
    const run = await auditTree({ ...APP, 'src/nul.ts': `export const a = 1;\n\0\nexport const b = 2;\n` });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/nul.ts']).toBe('binary');
  });

  it('a NUL byte after the first 8 KB → the file is audited and no raw NUL reaches the JSON report', async () => {
    const run = await auditTree({ ...APP, 'src/late-nul.ts': `${'// padding\n'.repeat(1000)}export const a = '\0';\n` });
    expectAppVerdict(run);
    expect(run.reports.json).not.toContain('\0');
    expect(run.reports.html).not.toContain('\0');
  });

  it('Latin-1 text (café in ISO-8859-1) → skipped as "not-utf8"', async () => {
    const run = await auditTree({ ...APP, 'src/latin1.ts': Buffer.from("export const s = 'caf\xe9';\n", 'latin1') });
    expectAppVerdict(run);
    expect(skippedReasons(run.reports)['src/latin1.ts']).toBe('not-utf8');
  });

  it('a 200,000-character line beside a finding → audited, the stdout summary stays short', async () => {
    const server = APP['src/server.ts'].replace('app.listen(3000);', `const pad = '${'x'.repeat(200_000)}';\napp.listen(3000);`);
    const run = await auditTree({ ...APP, 'src/server.ts': server });
    expectAppVerdict(run);
    expect(run.stdout.length).toBeLessThan(10_000);
  });
});

describe('as a real process (the built CLI)', () => {
  it('a tree of loops, binaries, a FIFO and a huge file, audited by dist/bin.js → exit 1, every report written, stderr has no stack trace', () => {
    const root = makeTree({ ...APP, 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), 'big.txt': 'x'.repeat(1024 * 1024 + 1) });
    fs.symlinkSync('b', path.join(root, 'a'));
    fs.symlinkSync('a', path.join(root, 'b'));
    execFileSync('mkfifo', [path.join(root, 'fifo')]);
    const out = makeTree({});
    const run = spawnCli(['audit', root, '--out', out]);
    expect(run.code, run.stderr).toBe(EXIT.blocked);
    expect(run.stdout).toMatch(/^Production Readiness Verdict: NOT READY/);
    expect(run.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(fs.readdirSync(out).map((f) => path.extname(f)).sort()).toEqual(['.html', '.json', '.md', '.sarif']);
    expect(listTree(root)).toEqual(['a', 'b', 'big.txt', 'fifo', 'logo.png', 'package.json', 'src', 'src/db.ts', 'src/server.ts']);
  });
});
