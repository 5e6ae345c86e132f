import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';
import { AuditReport } from '../../src/model/report.js';
import { captureIO, makeTree } from '../helpers/tree.js';

/** A tiny express app whose one stop-ship finding is a SQL string built from the request. */
export const USERS = `import express from 'express';
import { db } from './db';

export const users = express.Router();

users.get('/users/:id', async (req, res) => {
  const rows = await db.query(\`SELECT * FROM users WHERE id = \${req.params.id}\`);
  res.json(rows);
});
`;

export function shop(extra: Record<string, string> = {}): string {
  return makeTree({
    'package.json': JSON.stringify({ name: 'shop', dependencies: { express: '^4.0.0' } }),
    'src/db.ts': 'export const db = { query: async (_sql: string, _args?: unknown[]) => [] as unknown[] };\n',
    'src/users.ts': USERS,
    ...extra,
  });
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: AuditReport | undefined;
  readonly markdown: string | undefined;
}

/** The CLI in process, reports into `<root>/packages/docs/audits` (the default), the newest one read back. */
export async function cli(root: string, argv: string[], now?: Date): Promise<Run> {
  const { io, stdout, stderr } = captureIO(root);
  const code = await main(argv, { ...io, ...(now ? { now: () => now } : {}) });
  const dir = path.join(root, 'packages', 'docs', 'audits');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  const json = names.filter((n) => n.endsWith('.json')).at(-1);
  const md = names.filter((n) => n.endsWith('.md')).at(-1);
  return {
    code,
    stdout: stdout.join(''),
    stderr: stderr.join(''),
    report: json && argv[0] === 'audit' ? AuditReport.parse(JSON.parse(fs.readFileSync(path.join(dir, json), 'utf8'))) : undefined,
    markdown: md && argv[0] === 'audit' ? fs.readFileSync(path.join(dir, md), 'utf8') : undefined,
  };
}

export const tmpdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-'));
