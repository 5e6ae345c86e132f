import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, type RepoToolsConnection } from '../../src/mcp/client.js';
import { git } from '../helpers/git.js';
import { call } from '../helpers/mcp.js';
import { makeTree } from '../helpers/tree.js';

describe('prod-audit mcp over stdio (the built CLI)', () => {
  let root: string;
  let conn: RepoToolsConnection;

  beforeAll(async () => {
    root = makeTree({});
    fs.cpSync('examples/flawed-shop', root, { recursive: true });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'Initial shop');
    conn = await connectStdio(root, { bin: path.resolve('dist/bin.js') });
  });
  afterAll(() => conn.close());

  it('lists the tools and answers a call to each', async () => {
    const { tools } = await conn.client.listTools();
    const calls: Record<string, Record<string, unknown>> = {
      list_files: { glob: '*.prisma' },
      read_file: { path: 'src/server.ts', startLine: 1, endLine: 3 },
      search: { pattern: 'constructEvent' },
      git_log: {},
      git_diff: { since: 'HEAD' },
      git_blame: { path: 'src/server.ts', startLine: 1, endLine: 1 },
      system_map: {},
      run_audit: { format: ['json'] },
      get_verdict: {},
    };
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(calls).sort());
    for (const [name, args] of Object.entries(calls)) {
      const result = await call(conn.client, name, args);
      expect(result.isError, `${name}: ${result.text}`).toBeFalsy();
    }
    expect((await call(conn.client, 'get_verdict')).structured).toMatchObject({ rating: 'NOT READY', blocked: true });
  });

  it('refuses a path escape as a tool error and keeps serving', async () => {
    expect(await call(conn.client, 'read_file', { path: '../../etc/passwd' })).toMatchObject({ isError: true });
    expect((await call(conn.client, 'list_files', { limit: 1 })).isError).toBeFalsy();
  });
});
