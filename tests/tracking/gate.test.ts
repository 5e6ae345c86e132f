import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectInMemory } from '../../src/mcp/client.js';
import { parseFailOn } from '../../src/verdict/gate.js';
import { git } from '../helpers/git.js';
import { call } from '../helpers/mcp.js';
import { makeTree } from '../helpers/tree.js';

describe('--fail-on LEVEL[,pre-existing]', () => {
  it.each([
    ['stop-ship', { level: 'stop-ship', preExisting: false }],
    ['high', { level: 'high', preExisting: false }],
    ['never', { level: 'never', preExisting: false }],
    ['high,pre-existing', { level: 'high', preExisting: true }],
    ['pre-existing', { level: 'stop-ship', preExisting: true }],
    [' stop-ship , pre-existing ', { level: 'stop-ship', preExisting: true }],
  ])('%s', (raw, policy) => expect(parseFailOn(raw)).toEqual(policy));

  it.each(['sometimes', 'high,never', 'high,new', ''])('rejects "%s"', (raw) => {
    expect(parseFailOn(raw)).toBeUndefined();
  });
});

describe('run_audit over MCP, in diff mode', () => {
  it('since HEAD~1 on a commit that only adds a comment: the flawed shop is NOT READY but not blocked', async () => {
    const root = makeTree({});
    fs.cpSync('examples/flawed-shop', root, { recursive: true });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'Initial shop');
    fs.appendFileSync(path.join(root, 'src/server.ts'), '\n// graceful shutdown: later\n');
    git(root, 'commit', '-qam', 'Note shutdown');
    const conn = await connectInMemory({ root: fs.realpathSync(root) });
    try {
      const audit = await call(conn.client, 'run_audit', { since: 'HEAD~1' });
      expect(audit.isError).toBeFalsy();
      expect(audit.structured).toMatchObject({ rating: 'NOT READY', blocked: false });
      const refused = await call(conn.client, 'run_audit', { since: 'no-such-branch' });
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/Unknown git revision "no-such-branch" for --since/);
    } finally {
      await conn.close();
    }
  });
});
