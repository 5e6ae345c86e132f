import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli.js';
import { captureIO, makeTree } from './tree.js';

export const BIN = path.resolve('dist/bin.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `main(argv, io)` in process, with stdout and stderr collected. Never reads the developer's env. */
export async function cli(argv: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const { io, stdout, stderr } = captureIO(options.cwd ?? process.cwd());
  const code = await main(argv, { ...io, env: options.env ?? {} });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** The built CLI as a real process (cwd `/` unless given), for real exit codes and streams. */
export function spawnCli(argv: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...argv], {
    encoding: 'utf8',
    cwd: options.cwd ?? '/',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    timeout: 20_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A user error: exactly one line on stderr, starting "prod-audit: ", no stack frames. */
export function expectOneLineError(stderr: string, pattern?: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^prod-audit: /);
  expect(stderr).not.toMatch(/\n\s+at |internal error/);
  if (pattern) expect(lines[0]).toMatch(pattern);
}

/** Every file below `root`, relative, symlinks not followed: to prove nothing was written. */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(childRel);
      if (entry.isDirectory()) walk(path.join(dir, entry.name), childRel);
    }
  };
  walk(root, '');
  return out.sort();
}

/** The reports of one run, by format. */
export interface Reports {
  md: string;
  json: string;
  sarif: string;
  html: string;
  /** The JSON report, parsed. */
  report: {
    verdict: { rating: string; readinessScore: number; stopShip: string[] };
    coverage: { skipped: { path: string; reason: string }[]; filesAudited: number };
    findings: { ruleId: string; title: string; severity: string; fingerprint: string; evidence: { file: string; startLine: number; lines: string[] }[] }[];
    target: { name: string };
  };
  /** Everything written, concatenated: for leak checks. */
  all: string;
  paths: string[];
}

export function readReports(outDir: string): Reports {
  const files = fs.readdirSync(outDir).filter((f) => !f.endsWith('.tmp'));
  const byExt = (ext: string): string => {
    const matching = files.filter((f) => f.endsWith(`.${ext}`)).sort();
    return matching.length > 0 ? fs.readFileSync(path.join(outDir, matching.at(-1)!), 'utf8') : '';
  };
  const json = byExt('json');
  return {
    md: byExt('md'),
    json,
    sarif: byExt('sarif'),
    html: byExt('html'),
    report: json ? JSON.parse(json) : (undefined as never),
    all: files.map((f) => fs.readFileSync(path.join(outDir, f), 'utf8')).join('\n'),
    paths: files.map((f) => path.join(outDir, f)),
  };
}

export interface Audited extends CliRun {
  root: string;
  out: string;
  reports: Reports;
}

/**
 * Audits a tree (made from `files`, or an existing folder) through `main`, offline, reports to a fresh
 * folder outside the target, and asserts nothing was written inside the target. Progress lines go to
 * stderr (plain mode), so leak checks see them too.
 */
export async function auditTree(files: Record<string, string | Buffer> | string, extra: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<Audited> {
  const root = typeof files === 'string' ? files : makeTree(files);
  const out = makeTree({});
  const before = listTree(root);
  const run = await cli(['audit', root, '--out', out, ...extra], { env });
  // Reports go to `out`; the audited tree is read-only to prod-audit whatever it holds.
  expect(listTree(root), 'the audit wrote inside the target').toEqual(before);
  const written = fs.readdirSync(out).length > 0;
  return { ...run, root, out, reports: written ? readReports(out) : (undefined as never) };
}

/** The reasons the JSON report gives for skipped paths, by path. */
export function skippedReasons(reports: Reports): Record<string, string> {
  return Object.fromEntries(reports.report.coverage.skipped.map((s) => [s.path, s.reason]));
}

/** A small express app every tree can start from: one stop-ship finding, so the verdict is stable. */
export const APP = {
  'package.json': JSON.stringify({ name: 'app', dependencies: { express: '^4.19.0' } }),
  'src/server.ts': [
    "import express from 'express';",
    "import { db } from './db';",
    'const app = express();',
    "app.get('/orders', async (req, res) => {",
    "  const rows = await db.query('SELECT * FROM orders WHERE id = ' + req.query.id);",
    '  res.json(rows);',
    '});',
    'app.listen(3000);',
    '',
  ].join('\n'),
  'src/db.ts': "export const db = { query: async (_sql: string) => [] as unknown[] };\n",
};

/** Asserts that no needle appears anywhere the run printed or wrote. */
export function expectNoLeak(run: { stdout: string; stderr: string; reports?: Reports }, needles: readonly string[]): void {
  for (const needle of needles) {
    expect(run.stdout.includes(needle), `stdout leaks ${needle.slice(0, 12)}…`).toBe(false);
    expect(run.stderr.includes(needle), `stderr leaks ${needle.slice(0, 12)}…`).toBe(false);
    if (run.reports) expect(run.reports.all.includes(needle), `a report leaks ${needle.slice(0, 12)}…`).toBe(false);
  }
}
