import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, type RepoToolsConnection } from '../../src/mcp/client.js';
import { git } from '../helpers/git.js';
import { call } from '../helpers/mcp.js';
import { makeTree } from '../helpers/tree.js';
import { smallReport } from '../helpers/small-report.js';

const TOOLS = ['get_verdict', 'git_blame', 'git_diff', 'git_log', 'list_files', 'read_file', 'run_audit', 'search', 'system_map'];

/** A copy of the flawed example inside a fresh git repository with two commits. */
function flawedRepo(): string {
  const root = makeTree({});
  fs.cpSync('examples/flawed-shop', root, { recursive: true });
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'Initial shop');
  fs.appendFileSync(path.join(root, 'src/server.ts'), '\n// graceful shutdown: later\n');
  git(root, 'commit', '-qam', 'Note shutdown');
  return root;
}

describe('the MCP server over the in-memory transport', () => {
  let root: string;
  let conn: RepoToolsConnection;

  beforeAll(async () => {
    root = flawedRepo();
    conn = await connectInMemory({ root: fs.realpathSync(root) });
  });
  afterAll(() => conn.close());

  it('lists its tools, each described, every input field described, read-only ones marked', async () => {
    const { tools } = await conn.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description, tool.name).toBeTruthy();
      expect(tool.outputSchema, tool.name).toBeDefined();
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(tool.name !== 'run_audit');
    }
  });

  it('list_files pages through the tree and filters by glob', async () => {
    const sql = await call(conn.client, 'list_files', { glob: '*.sql' });
    expect(sql.structured!.files.map((f: { path: string }) => f.path)).toEqual([
      'prisma/migrations/20250114093000_init/migration.sql',
      'prisma/migrations/20250211161500_add_audit_log/migration.sql',
      'prisma/migrations/20250318104500_drop_legacy_order_total/migration.sql',
      'prisma/migrations/20250402143000_remove_coupons/migration.sql',
    ]);
    const first = await call(conn.client, 'list_files', { limit: 5 });
    expect(first.structured!.files).toHaveLength(5);
    expect(first.structured!.nextOffset).toBe(5);
    const last = await call(conn.client, 'list_files', { offset: first.structured!.total - 1 });
    expect(last.structured!.nextOffset).toBeNull();
  });

  it('read_file returns numbered lines of a range', async () => {
    const result = await call(conn.client, 'read_file', { path: 'src/server.ts', startLine: 6, endLine: 7 });
    expect(result.isError).toBeFalsy();
    expect(result.structured).toMatchObject({ path: 'src/server.ts', startLine: 6, endLine: 7, truncated: false });
    expect(result.structured!.text).toBe("6| app.listen(config.port, () => {\n7|   console.log(`Larkspur shop API listening on port ${config.port} (${config.env})`);");
  });

  it('search finds literal and regular-expression matches as file:line:text', async () => {
    const literal = await call(conn.client, 'search', { pattern: 'queryRawUnsafe', glob: 'src/**' });
    expect(literal.structured!.hits).toEqual([expect.objectContaining({ path: 'src/routes/products.ts', line: 42 })]);
    const regex = await call(conn.client, 'search', { pattern: 'stripe\\.(refunds|paymentIntents)\\.create', regex: true });
    expect(regex.structured!.hits.map((h: { path: string }) => h.path).sort()).toEqual(['src/routes/checkout.ts', 'src/routes/orders.ts']);
    const capped = await call(conn.client, 'search', { pattern: 'import', maxResults: 3 });
    expect(capped.structured).toMatchObject({ truncated: true, hits: expect.any(Array) });
    expect(capped.structured!.hits).toHaveLength(3);
  });

  it('git_log, git_diff and git_blame read the history', async () => {
    const log = await call(conn.client, 'git_log', {});
    expect(log.structured!.commits.map((c: { subject: string }) => c.subject)).toEqual(['Note shutdown', 'Initial shop']);
    const diff = await call(conn.client, 'git_diff', { since: 'HEAD~1' });
    expect(diff.structured!.files).toEqual([{ path: 'src/server.ts', insertions: 2, deletions: 0 }]);
    expect(diff.structured!.diff).toContain('+// graceful shutdown: later');
    const blame = await call(conn.client, 'git_blame', { path: 'src/server.ts', startLine: 1, endLine: 2 });
    expect(blame.structured!.lines).toEqual([
      expect.objectContaining({ line: 1, author: 'Test Author', text: "import { config } from './config';" }),
      expect.objectContaining({ line: 2, author: 'Test Author' }),
    ]);
  });

  it('system_map describes routes, data stores and services', async () => {
    const map = await call(conn.client, 'system_map');
    expect(map.isError).toBeFalsy();
    expect(map.structured!.routes).toContainEqual(expect.objectContaining({ method: 'POST', path: '/webhooks/stripe' }));
  });

  it('run_audit audits, reports progress and writes reports; get_verdict reads them back', async () => {
    const progress: unknown[] = [];
    const audit = await call(conn.client, 'run_audit', { context: 'First public launch' }, { onprogress: (p) => progress.push(p) });
    expect(audit.isError).toBeFalsy();
    expect(audit.structured).toMatchObject({ rating: 'NOT READY', blocked: true, mode: 'probes-only' });
    expect(audit.structured!.stopShip.length).toBeGreaterThan(3);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    for (const report of audit.structured!.reportPaths) expect(fs.existsSync(path.join(root, report))).toBe(true);
    expect(audit.structured!.reportPaths.map((p: string) => path.extname(p))).toEqual(['.md', '.json', '.sarif', '.html']);
    const verdict = await call(conn.client, 'get_verdict');
    expect(verdict.structured).toMatchObject({ rating: 'NOT READY', finishedAt: audit.structured!.finishedAt, reportPaths: audit.structured!.reportPaths });
  });
});

describe('outside a git repository', () => {
  it('git tools refuse clearly, get_verdict asks for an audit first, and the server keeps answering', async () => {
    const conn = await connectInMemory({ root: fs.realpathSync(makeTree({ 'src/a.ts': 'export const a = 1;\n' })) });
    try {
      expect(await call(conn.client, 'git_log')).toMatchObject({ isError: true, text: expect.stringMatching(/not a git repository/) });
      expect(await call(conn.client, 'get_verdict')).toMatchObject({ isError: true, text: expect.stringMatching(/call run_audit first/) });
      expect((await call(conn.client, 'read_file', { path: 'src/a.ts' })).isError).toBeFalsy();
    } finally {
      await conn.close();
    }
  });
});

describe('get_verdict on a report written by an earlier version', () => {
  it('reads a schema version 1 report (no changes, accepted risks or trends) instead of failing', async () => {
    const { changes: _changes, acceptedRisks: _accepted, trends: _trends, ...rest } = smallReport();
    const v1 = { ...rest, schemaVersion: 1 };
    const root = fs.realpathSync(makeTree({ 'src/a.ts': 'export const a = 1;\n', 'packages/docs/audits/20261101T080000Z-tiny-shop.json': JSON.stringify(v1) }));
    const conn = await connectInMemory({ root });
    try {
      const verdict = await call(conn.client, 'get_verdict');
      expect(verdict.isError).toBeFalsy();
      expect(verdict.structured).toMatchObject({ rating: 'NOT READY', finishedAt: v1.finishedAt });
    } finally {
      await conn.close();
    }
  });
});
