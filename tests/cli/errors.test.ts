import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, main } from '../../src/cli.js';
import { captureIO, makeTree } from '../helpers/tree.js';

const BIN = path.resolve('dist/bin.js');
const isRoot = process.getuid?.() === 0;

/** Runs the built CLI as a real process, optionally as the unprivileged `nobody` user. */
function runBin(args: string[], options: { asNobody?: boolean } = {}) {
  const command = options.asNobody ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
  return spawnSync(command[0] as string, command[1] as string[], { encoding: 'utf8', cwd: '/' });
}

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

afterEach(() => vi.restoreAllMocks());

describe('bad input: exit 2, one line, nothing written', () => {
  it.each([
    ['a missing path', () => path.join(makeTree({}), 'does-not-exist'), /^prod-audit: Path not found: .*does-not-exist\. Check the path/],
    ['a file instead of a folder', () => path.join(makeTree({ 'app.ts': 'x' }), 'app.ts'), /^prod-audit: Not a folder: .*app\.ts\. Give the repository folder/],
    ['an empty folder', () => makeTree({}), /^prod-audit: Nothing to audit in .*: it has no files to audit\./],
  ])('%s', (_name, make, pattern) => {
    const target = make();
    const result = runBin(['audit', target]);
    expect(result.status).toBe(EXIT.usage);
    expect(result.stdout).toBe('');
    expectOneLineError(result.stderr, pattern);
  });

  it('an unreadable folder (as a real unprivileged process)', () => {
    const target = makeTree({ 'src/app.ts': 'export {}' });
    fs.chmodSync(target, 0o000);
    try {
      const canRunAsNobody = isRoot && runBin(['--version'], { asNobody: true }).status === 0;
      if (isRoot && !canRunAsNobody) return; // covered in-process below; this checkout is not readable by nobody
      const result = runBin(['audit', target], { asNobody: isRoot });
      expect(result.status).toBe(EXIT.usage);
      expectOneLineError(result.stderr, /^prod-audit: Cannot (read folder|access) .*: permission denied\./);
    } finally {
      fs.chmodSync(target, 0o755);
    }
  });

  it('an unreadable folder (in process, whoever runs the tests)', async () => {
    const target = makeTree({ 'src/app.ts': 'export {}' });
    vi.spyOn(fsp, 'readdir').mockRejectedValue(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    const { io, stderr, stdout } = captureIO();
    expect(await main(['audit', target], io)).toBe(EXIT.usage);
    expectOneLineError(stderr.join(''), /^prod-audit: Cannot read folder .*: permission denied\./);
    expect(stdout).toEqual([]);
  });

  it.each([
    [['audit', '--format', 'pdf'], /Expected --format to list md, json, sarif, html, got "pdf"/],
    [['audit', '--fail-on', 'sometimes'], /Expected --fail-on to be one of stop-ship, high, never, got "sometimes"/],
    [['audit', '--bogus'], /Unknown option '--bogus'/],
    [['audit', 'a', 'b'], /Expected one path to audit, got 2/],
    [['deploy'], /Unknown command "deploy"/],
    [['audit', '--context', 'x'.repeat(5000)], /Expected --context of at most 2000 characters, got 5000/],
  ])('usage error %#', async (argv, pattern) => {
    const { io, stderr } = captureIO(makeTree({ 'a.ts': 'x' }));
    expect(await main(argv, io)).toBe(EXIT.usage);
    expectOneLineError(stderr.join(''), pattern);
  });

  it('an output folder that cannot be written leaves no report behind', async () => {
    const target = makeTree({ 'src/app.ts': 'export const a = 1;\n' });
    const blocker = path.join(target, 'not-a-dir');
    fs.writeFileSync(blocker, 'a file where the output folder should be');
    const { io, stderr } = captureIO();
    expect(await main(['audit', target, '--quiet', '--out', path.join(blocker, 'audits')], io)).toBe(EXIT.usage);
    expectOneLineError(stderr.join(''), /^prod-audit: Cannot write the report to .*: (ENOTDIR|EEXIST)\. Choose a writable folder/);
    expect(fs.readdirSync(target).sort()).toEqual(['not-a-dir', 'src']);
  });
});

describe('--help and --version', () => {
  it('print and exit 0', () => {
    expect(runBin(['--version'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    const help = runBin(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('prod-audit audit [path] [options]');
    expect(help.stdout).toContain('Exit codes: 0 ready or conditionally ready, 1 blocked by the gate, 2 usage or input error, 3 internal error,\n130 interrupted by Ctrl-C (143 by SIGTERM)');
  });
});

describe('the installed command', () => {
  it('is executable, so `npx prod-audit` runs it directly', () => {
    expect(() => fs.accessSync(BIN, fs.constants.X_OK)).not.toThrow();
    expect(fs.readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
