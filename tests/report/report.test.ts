import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditReport } from '../../src/model/report.js';
import { CATEGORIES } from '../../src/model/taxonomy.js';
import { EXIT, main } from '../../src/cli.js';
import { captureIO, makeTree } from '../helpers/tree.js';

const STRIPE_KEY = ['sk_live_', 'Qm7Tz2Lp9Xw4Rv8Ks1Ny6Hd3'].join('');
const DB_PASSWORD = ['Vx9', '-pq2', 'Lm!fz'].join('');
/** HTML escapes these characters; the escaped form must not slip past the redactor. */
const ESCAPED_PASSWORD = ['Zq&8<T', 'k>mW3r!9'].join('');

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A small service with planted issues, among them two secrets that must never be printed. */
function plantedService(): string {
  return makeTree({
    'package.json': JSON.stringify({ name: 'svc', dependencies: { express: '^4.19.2' } }),
    'src/config.ts': `export const stripeKey = '${STRIPE_KEY}';\nexport const db = 'postgres://svc:${DB_PASSWORD}@db:5432/svc';\nexport const adminPassword = '${ESCAPED_PASSWORD}';\n`,
    'src/app.ts': [
      "import express from 'express';",
      "import { requireAuth } from './auth';",
      'const app = express();',
      "app.get('/me', requireAuth, (req, res) => res.json(req.user));",
      "app.delete('/items/:id', async (req, res) => {",
      '  await db.query(`DELETE FROM items WHERE id = ${req.params.id}`);',
      '  res.sendStatus(204);',
      '});',
      'app.listen(3000);',
      '',
    ].join('\n'),
    Dockerfile: 'FROM node:20.11-alpine\nCOPY . .\nCMD ["node", "src/app.js"]\n',
  });
}

describe('an audit of a service with planted issues', () => {
  let target: string;
  let out: string;
  let stdout: string;
  let stderr: string;
  let code: number;
  let files: string[];

  beforeAll(async () => {
    target = plantedService();
    out = path.join(target, 'reports');
    const io = captureIO(target);
    code = await main(['audit', '.', '--out', 'reports', '--context', 'Public launch to paying customers'], io.io);
    stdout = io.stdout.join('');
    stderr = io.stderr.join('');
    files = fs.readdirSync(out).map((f) => path.join(out, f));
  });

  it('blocks with exit 1 and prints the verdict with its stop-ship findings', () => {
    expect(code).toBe(EXIT.blocked);
    expect(stdout).toMatch(/^Production Readiness Verdict: NOT READY/);
    expect(stdout).toMatch(/Stop-Ship Issues \(\d+\):\n {2}1\. CRITICAL/);
    expect(stdout).toContain('SQL built from request data — src/app.ts:6');
  });

  it('writes Markdown, JSON, SARIF and HTML reports by default, named by UTC timestamp and target, and nothing else', () => {
    const names = files.map((f) => path.basename(f));
    const base = names[0]!.replace(/\.[a-z]+$/, '');
    expect(base).toMatch(/^\d{8}T\d{6}Z-.+$/);
    expect(names.sort()).toEqual(['html', 'json', 'md', 'sarif'].map((ext) => `${base}.${ext}`));
  });

  it('JSON report parses with the exported schema', () => {
    const json = JSON.parse(fs.readFileSync(files.find((f) => f.endsWith('.json'))!, 'utf8'));
    const report = AuditReport.parse(json);
    expect(report.coverage.mode).toBe('probes-only');
    expect(report.context.strictness).toBe('high');
    expect(report.scores.map((s) => s.category)).toEqual([...CATEGORIES]);
  });

  it('Markdown holds all 15 categories and file:line evidence whose quoted lines match the file', () => {
    const md = fs.readFileSync(files.find((f) => f.endsWith('.md'))!, 'utf8');
    for (const category of CATEGORIES) expect(md).toMatch(new RegExp(`^\\| \\d+ \\| ${category.replace('/', '\\/')} \\| `, 'm'));
    const blocks = md.split(/^#### /m).slice(1);
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) {
      const [, file, start] = /- \*\*Where:\*\* `([^`:]+):(\d+)/.exec(block)!;
      const fileLines = fs.readFileSync(path.join(target, file!), 'utf8').split('\n');
      const quoted = [...block.matchAll(/^ *(\d+) \| (.*)$/gm)];
      expect(Number(quoted[0]![1])).toBe(Number(start));
      for (const [, line, text] of quoted) {
        if (!text!.includes('[REDACTED')) expect(text).toBe(fileLines[Number(line) - 1]);
      }
    }
  });

  it('never prints or writes a secret value found in the target', () => {
    const everything = [stdout, stderr, ...files.map((f) => fs.readFileSync(f, 'utf8'))].join('\n');
    expect(everything).not.toContain(STRIPE_KEY);
    expect(everything).not.toContain(DB_PASSWORD);
    expect(everything).not.toContain(ESCAPED_PASSWORD);
    expect(everything).toContain('[REDACTED stripe-secret-key]');
  });

  it('redacts secrets in SARIF and HTML too, even where escaping would disguise them', () => {
    for (const ext of ['.sarif', '.html']) {
      const text = fs.readFileSync(files.find((f) => f.endsWith(ext))!, 'utf8');
      expect(text, ext).toContain('[REDACTED stripe-secret-key]');
      for (const secret of [STRIPE_KEY, DB_PASSWORD, ESCAPED_PASSWORD, escapeHtml(ESCAPED_PASSWORD)]) expect(text, ext).not.toContain(secret);
    }
  });
});
