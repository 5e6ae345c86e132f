import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli.js';
import { AuditReport } from '../../src/model/report.js';
import { parseUnifiedDiff } from '../../src/repo/diff.js';
import { git } from '../helpers/git.js';
import { captureIO, makeTree } from '../helpers/tree.js';

const USERS = `import express from 'express';
import { db } from './db';

export const users = express.Router();

users.get('/users/:id', async (req, res) => {
  const rows = await db.query(\`SELECT * FROM users WHERE id = \${req.params.id}\`);
  res.json(rows);
});
`;

const SEARCH = `import express from 'express';
import { db } from './db';

export const search = express.Router();

search.get('/search', async (req, res) => {
  const { q } = req.query;
  const rows = await db.query("SELECT * FROM products WHERE name LIKE '%" + q + "%'");
  res.json(rows);
});
`;

/**
 * main: one commit with a pre-existing stop-ship flaw (users.ts), then main moves on and edits that
 * very line; feature branched before that and adds a new flaw (search.ts).
 */
function scriptedHistory(): string {
  const root = makeTree({
    'package.json': JSON.stringify({ name: 'shop', dependencies: { express: '^4.0.0' } }),
    'src/db.ts': 'export const db = { query: async (_sql: string) => [] as unknown[] };\n',
    'src/users.ts': USERS,
  });
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'shop with one old flaw');
  git(root, 'checkout', '-q', '-b', 'feature');
  fs.writeFileSync(path.join(root, 'src/search.ts'), SEARCH);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'search, with a new flaw');
  git(root, 'checkout', '-q', 'main');
  fs.writeFileSync(path.join(root, 'src/users.ts'), USERS.replace('SELECT *', 'SELECT id, name'));
  git(root, 'commit', '-q', '-am', 'main moves on, on the old flaw’s line');
  git(root, 'checkout', '-q', 'feature');
  return root;
}

async function audit(cwd: string, ...args: string[]) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-out-'));
  const { io, stderr, stdout } = captureIO(cwd);
  const code = await main(['audit', '.', '--quiet', '--out', out, ...args], io);
  const json = fs.readdirSync(out).find((f) => f.endsWith('.json'));
  return { code, stderr: stderr.join(''), stdout: stdout.join(''), report: json ? AuditReport.parse(JSON.parse(fs.readFileSync(path.join(out, json), 'utf8'))) : undefined };
}

const sqlIn = (report: AuditReport, file: string) => report.findings.find((f) => f.ruleId === 'sql-string-concat' && f.evidence[0]!.file === file);

describe('diff mode (--since) on a scripted git history', () => {
  it('only the finding added since the merge-base is new and blocks; the pre-existing one does not', async () => {
    const root = scriptedHistory();
    const full = await audit(root);
    expect(full.code).toBe(EXIT.blocked);
    expect(full.report!.changes).toBeNull();

    const run = await audit(root, '--since', 'main');
    const fresh = sqlIn(run.report!, 'src/search.ts')!;
    const old = sqlIn(run.report!, 'src/users.ts')!;
    expect(fresh).toMatchObject({ change: 'new', launchClass: 'stop-ship' });
    // main edited users.ts after the branch point: compared with main itself that line would look new.
    expect(old).toMatchObject({ change: 'pre-existing', launchClass: 'stop-ship' });
    expect(run.report!.changes).toMatchObject({ since: 'main', mergeBase: true, changedFiles: ['src/search.ts'] });
    expect(run.report!.changes!.newFindings).toContain(fresh.fingerprint);
    expect(run.report!.changes!.preExisting).toContain(old.fingerprint);
    const fresher = run.report!.findings.filter((f) => f.change === 'new');
    expect(fresher.every((f) => f.evidence.some((e) => e.file === 'src/search.ts'))).toBe(true);
    expect(fresher.filter((f) => f.launchClass === 'stop-ship')).toEqual([fresh]);
    expect(run.code).toBe(EXIT.blocked);
    expect(run.stdout).toMatch(/Since main: \d+ new finding\(s\), 1 of them stop-ship; \d+ pre-existing/);
  });

  it('with no new flaw, pre-existing stop-ship findings do not block, unless --fail-on includes pre-existing', async () => {
    const root = scriptedHistory();
    fs.rmSync(path.join(root, 'src/search.ts'));
    git(root, 'commit', '-q', '-am', 'drop search');
    const run = await audit(root, '--since', 'main');
    expect(run.report!.changes!.newFindings).toEqual([]);
    expect(run.report!.verdict.stopShip.length).toBeGreaterThan(0);
    expect(run.code).toBe(EXIT.ok);
    expect((await audit(root, '--since', 'main', '--fail-on', 'stop-ship,pre-existing')).code).toBe(EXIT.blocked);
    expect((await audit(root, '--since', 'main', '--fail-on', 'never')).code).toBe(EXIT.ok);
  });

  it('uncommitted edits and untracked files count as changed', async () => {
    const root = scriptedHistory();
    fs.appendFileSync(path.join(root, 'src/users.ts'), "\nusers.get('/u2', async (req, res) => res.json(await db.query('SELECT 1 FROM t WHERE a = ' + req.query.a)));\n");
    fs.writeFileSync(path.join(root, 'src/notes.ts'), 'export const notes = 1;\n');
    const run = await audit(root, '--since', 'HEAD');
    expect(run.report!.changes!.changedFiles).toEqual(['src/notes.ts', 'src/users.ts']);
    const fresh = run.report!.findings.filter((f) => f.change === 'new');
    expect(new Set(fresh.map((f) => `${f.evidence[0]!.file}:${f.evidence[0]!.startLine}`))).toEqual(new Set(['src/users.ts:11']));
    expect(fresh.map((f) => f.ruleId)).toContain('sql-string-concat');
  });

  it('works on a detached HEAD and in a shallow clone', async () => {
    const origin = scriptedHistory();
    git(origin, 'checkout', '-q', '--detach', 'feature');
    const detached = await audit(origin, '--since', 'main');
    expect(detached.report!.findings.filter((f) => f.change === 'new' && f.launchClass === 'stop-ship').map((f) => f.evidence[0]!.file)).toEqual(['src/search.ts']);
    expect(detached.code).toBe(EXIT.blocked);

    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-clone-'));
    git(clone, 'clone', '-q', '--depth', '1', '--branch', 'feature', '--no-local', `file://${origin}`, '.');
    const shallow = await audit(clone, '--since', 'HEAD');
    expect(shallow.code).toBe(EXIT.ok);
    expect(shallow.report!.changes).toMatchObject({ mergeBase: true, changedFiles: [] });
  });

  it('a shallow clone without the merge-base compares with the ref itself, and says so', async () => {
    const origin = scriptedHistory();
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-clone-'));
    git(clone, 'clone', '-q', '--depth', '1', '--branch', 'feature', '--no-local', `file://${origin}`, '.');
    git(clone, 'fetch', '-q', '--depth', '1', 'origin', 'main:refs/remotes/origin/main');
    const run = await audit(clone, '--since', 'origin/main');
    expect(run.report!.changes).toMatchObject({ mergeBase: false, note: 'no merge-base of origin/main and HEAD in this shallow clone; compared with origin/main itself' });
    // main edited users.ts after the branch point, so without the merge-base that line counts as changed: more is new, never less.
    expect(run.report!.changes!.changedFiles).toEqual(['src/search.ts', 'src/users.ts']);
    expect(run.code).toBe(EXIT.blocked);
  });

  it.each([
    ['a ref that was never fetched, in a shallow clone', 'origin/main', /^prod-audit: Unknown git revision "origin\/main" for --since\. This is a shallow clone: fetch the ref first, e\.g\. "git fetch --depth=50 origin main" or "git fetch --unshallow"\.$/],
    ['a typo', 'mian', /^prod-audit: Unknown git revision "mian" for --since\. This is a shallow clone/],
    ['an option smuggled in as a ref', '--output=/tmp/x', /^prod-audit: Expected --since to be one git revision/],
  ])('%s: one line, exit 2', async (_, ref, pattern) => {
    const origin = scriptedHistory();
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-clone-'));
    git(clone, 'clone', '-q', '--depth', '1', '--branch', 'feature', '--no-local', `file://${origin}`, '.');
    const run = await audit(clone, `--since=${ref}`);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr.trim()).toMatch(pattern);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('not a git repository: one line, exit 2', async () => {
    const run = await audit(makeTree({ 'src/a.ts': 'export const a = 1;\n' }), '--since', 'main');
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/^prod-audit: --since needs a git repository, and .* is not in one\. Run without --since/);
  });

  it('--fail-on …,pre-existing without --since is a usage error', async () => {
    const run = await audit(makeTree({ 'src/a.ts': 'export const a = 1;\n' }), '--fail-on', 'high,pre-existing');
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/only means something with --since/);
  });
});

describe('parseUnifiedDiff', () => {
  it('reads new-side spans, skips pure deletions, and marks added files whole', () => {
    const diff = [
      'diff --git a.ts a.ts', '--- a.ts', '+++ a.ts', '@@ -3 +3 @@', '-x', '+y', '@@ -10,2 +9,0 @@', '-gone', '-gone', '@@ -20,0 +19,3 @@', '+a', '+b', '+c',
      'diff --git b.ts b.ts', 'new file mode 100644', '--- /dev/null', '+++ b.ts', '@@ -0,0 +1,2 @@', '+1', '+2',
      'diff --git c.ts c.ts', 'deleted file mode 100644', '--- c.ts', '+++ /dev/null', '@@ -1 +0,0 @@', '-1',
    ].join('\n');
    expect(Object.fromEntries(parseUnifiedDiff(diff))).toEqual({ 'a.ts': [{ start: 3, end: 3 }, { start: 19, end: 21 }], 'b.ts': 'all' });
  });
});

describe('diff mode with agents', () => {
  it('each specialist gets the changed files in its assignment', async () => {
    const { runAudit } = await import('../../src/workflow/audit.js');
    const { byAgent, startFakeAnthropic, toolUse } = await import('../helpers/fake-anthropic.js');
    const finish = { reply: [toolUse('finish', { summary: 'Done.' })] };
    const fake = await startFakeAnthropic({ script: byAgent({ 'security-auditor': [finish] }, finish) });
    try {
      const root = scriptedHistory();
      await runAudit({ target: root, since: 'main', agents: { llm: { apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0 }, agents: ['security-auditor'] } });
      const first = fake.requests.find((r) => r.agent === 'security-auditor')!.body.messages[0]!;
      const assignment = JSON.parse(typeof first.content === 'string' ? first.content : (first.content[0]!.text as string));
      expect(assignment).toMatchObject({ agent: 'security-auditor', changedSince: 'main', changedFiles: ['src/search.ts'] });
    } finally {
      await fake.close();
    }
  });
});
