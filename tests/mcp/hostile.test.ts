import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, type RepoToolsConnection } from '../../src/mcp/client.js';
import { git } from '../helpers/git.js';
import { call } from '../helpers/mcp.js';
import { makeTree } from '../helpers/tree.js';

// Assembled at run time so this file is not itself a committed secret.
const STRIPE = ['sk_live_', 'Hq7Lp2Xw9Rv4Ks1Ny6Td3Mb8'].join('');
const PASSWORD = ['pw-', 'Zr8!', 'Qx41', 'mK'].join('');
const EVIL_LINE = `${'a'.repeat(40)}!`;

/** A repository built to hurt: escapes, loops, binaries, a FIFO, secrets, git internals. */
function hostileRepo(): { root: string; outside: string } {
  const outside = makeTree({ 'secret.txt': 'outside the root', 'dir/inner.txt': 'also outside' });
  const root = makeTree({
    'src/app.ts': 'export const ok = true;\n',
    'src/keys.ts': `export const stripe = '${STRIPE}';\nexport const db = 'postgres://app:${PASSWORD}@db/app';\n`,
    'src/evil.txt': `${EVIL_LINE}\n`,
    '.env': `DATABASE_PASSWORD=${PASSWORD}\n`,
    'big.txt': 'x'.repeat(2 * 1024 * 1024),
    'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
    'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
    'node_modules/pkg/index.js': 'module.exports = 1;\n',
    'many.txt': Array.from({ length: 3000 }, (_, i) => `line ${i + 1}`).join('\n'),
  });
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link-out'));
  fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'link-out-dir'));
  fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
  execFileSync('mkfifo', [path.join(root, 'fifo')]);
  git(root, 'init', '-q');
  git(root, 'add', 'src', '.env');
  git(root, 'commit', '-qm', 'init');
  fs.appendFileSync(path.join(root, 'src/app.ts'), `export const leaked = '${STRIPE}';\n`);
  return { root: fs.realpathSync(root), outside };
}

type Case = [name: string, tool: string, args: Record<string, unknown>, expected: RegExp | 'redacted'];

const CASES: Case[] = [
  ['parent traversal', 'read_file', { path: '../secret.txt' }, /leaves the audited root/],
  ['deep traversal to /etc/passwd', 'read_file', { path: '../../../../../../etc/passwd' }, /leaves the audited root/],
  ['absolute path', 'read_file', { path: '/etc/passwd' }, /absolute paths are not allowed/],
  ['traversal after a real folder', 'read_file', { path: 'src/../../secret.txt' }, /leaves the audited root/],
  ['dot segments then traversal', 'read_file', { path: './././../secret.txt' }, /leaves the audited root/],
  ['mixed dot segments', 'read_file', { path: 'src/./../../../etc/passwd' }, /leaves the audited root/],
  ['backslash traversal', 'read_file', { path: '..\\..\\etc\\passwd' }, /no such file/],
  ['URL-encoded traversal', 'read_file', { path: '%2e%2e/secret.txt' }, /no such file/],
  ['double-encoded traversal', 'read_file', { path: '%252e%252e%252fsecret.txt' }, /no such file/],
  ['Windows drive path', 'read_file', { path: 'C:\\Windows\\win.ini' }, /absolute paths are not allowed/],
  ['home shorthand', 'read_file', { path: '~/.ssh/id_rsa' }, /no such file/],
  ['symlink to a file outside', 'read_file', { path: 'link-out' }, /symlink that leads outside/],
  ['symlinked folder outside', 'read_file', { path: 'link-out-dir/inner.txt' }, /symlink that leads outside/],
  ['symlink loop', 'read_file', { path: 'loop-a' }, /symlink loop/],
  ['NUL byte', 'read_file', { path: 'src/app.ts\0.png' }, /NUL byte/],
  ['huge file', 'read_file', { path: 'big.txt' }, /larger than the size limit/],
  ['binary file', 'read_file', { path: 'logo.png' }, /binary file/],
  ['invalid UTF-8', 'read_file', { path: 'latin1.txt' }, /not valid UTF-8/],
  ['git config', 'read_file', { path: '.git/config' }, /git internals/],
  ['git HEAD by traversal', 'read_file', { path: 'src/../.git/HEAD' }, /git internals/],
  ['FIFO (special file)', 'read_file', { path: 'fifo' }, /device, socket or pipe/],
  ['excluded dependency', 'read_file', { path: 'node_modules/pkg/index.js' }, /not part of the audited tree/],
  ['a folder', 'read_file', { path: 'src' }, /not part of the audited tree/],
  ['empty path', 'read_file', { path: '' }, /Too small|too_small|>=1 characters/i],
  ['line past the end', 'read_file', { path: 'src/app.ts', startLine: 99 }, /past the end/],
  ['secret-bearing source file', 'read_file', { path: 'src/keys.ts' }, 'redacted'],
  ['committed .env', 'read_file', { path: '.env' }, 'redacted'],
  ['searching for a secret value', 'search', { pattern: STRIPE }, 'redacted'],
  ['regex that matches secrets', 'search', { pattern: 'sk_live_\\w+', regex: true }, 'redacted'],
  ['catastrophic backtracking', 'search', { pattern: '(a+)+$', regex: true, glob: 'src/evil.txt' }, /took longer than/],
  ['exponential alternation', 'search', { pattern: '(a|a)*b', regex: true, glob: '*.txt' }, /took longer than/],
  ['invalid regular expression', 'search', { pattern: '(unclosed', regex: true }, /Invalid regular expression/],
  ['oversized pattern', 'search', { pattern: 'x'.repeat(600) }, /Too big|too_big|<=500 characters/i],
  ['git option injection as revision', 'git_diff', { since: '--output=/tmp/pwned' }, /single git revision/],
  ['git range instead of a revision', 'git_log', { since: 'HEAD..main' }, /single git revision/],
  ['unknown revision', 'git_diff', { since: 'no-such-branch' }, /Unknown git revision/],
  ['git option injection as path', 'git_log', { path: '-p' }, /may not start with "-"/],
  ['blame outside the root', 'git_blame', { path: '../secret.txt', startLine: 1, endLine: 1 }, /leaves the audited root/],
  ['diff carrying a secret', 'git_diff', { since: 'HEAD' }, 'redacted'],
  ['audit reports written outside', 'run_audit', { out: '../../tmp/pwned' }, /reports must be written inside/],
  ['audit reports to an absolute path', 'run_audit', { out: '/tmp/pwned' }, /reports must be written inside/],
  ['audit reports through a symlink out', 'run_audit', { out: 'link-out-dir/reports' }, /reports must be written inside/],
  ['audit a folder outside', 'run_audit', { path: '../' }, /leaves the audited root/],
];

describe('hostile input to the MCP tools', () => {
  let conn: RepoToolsConnection;
  let repo: { root: string; outside: string };

  beforeAll(async () => {
    repo = hostileRepo();
    conn = await connectInMemory({ root: repo.root, searchTimeoutMs: 300 });
  });
  afterAll(() => conn.close());

  it('has at least 30 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES)('%s: %s is refused or redacted, and the server still answers', async (_name, tool, args, expected) => {
    const result = await call(conn.client, tool, args);
    if (expected === 'redacted') {
      expect(result.isError, result.text).toBeFalsy();
      const everything = JSON.stringify(result);
      expect(everything).not.toContain(STRIPE);
      expect(everything).not.toContain(PASSWORD);
      expect(everything).toContain('[REDACTED');
    } else {
      expect(result.isError, result.text).toBe(true);
      expect(result.text).toMatch(expected);
    }
    await expect(conn.client.ping()).resolves.toBeDefined();
  });

  it('still serves normal requests after the whole table, with nothing written outside the root', async () => {
    expect((await call(conn.client, 'read_file', { path: 'src/app.ts' })).isError).toBeFalsy();
    expect((await call(conn.client, 'search', { pattern: 'ok', regex: true })).isError).toBeFalsy();
    expect(fs.readdirSync(repo.outside).sort()).toEqual(['dir', 'secret.txt']);
    expect(fs.existsSync('/tmp/pwned')).toBe(false);
  });
});
