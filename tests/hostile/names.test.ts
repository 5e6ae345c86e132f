import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli.js';
import { APP, auditTree, cli, expectOneLineError, listTree, skippedReasons } from '../helpers/hostile.js';
import { makeTree } from '../helpers/tree.js';

/** A handler with one stop-ship finding (SQL built from the request), to be saved under a hostile name. */
const SQL_HANDLER = APP['src/server.ts'];

/** The one finding cited in `file`, from the JSON report. */
async function auditNamed(file: string) {
  const run = await auditTree({ ...APP, [file]: SQL_HANDLER.replace("'./db'", "'./db.js'") });
  expect(run.code, run.stderr).toBe(EXIT.blocked);
  return run;
}

function cites(run: Awaited<ReturnType<typeof auditTree>>, file: string): boolean {
  return run.reports.report.findings.some((f) => f.ruleId === 'sql-string-concat' && f.evidence[0]!.file === file);
}

/** Text outside fenced code blocks and inline code spans: where markdown would render HTML or links. */
function markdownProse(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
}

describe('odd file names', () => {
  it('a file name with spaces → audited and cited by its exact name', async () => {
    const run = await auditNamed('src/my orders handler.ts');
    expect(cites(run, 'src/my orders handler.ts')).toBe(true);
  });

  it('a file named --help.ts → audited as a file, never read as a flag', async () => {
    const run = await auditNamed('--help.ts');
    expect(cites(run, '--help.ts')).toBe(true);
    expect(run.stdout).not.toContain('Usage:');
  });

  it('a file named $(touch pwned).ts → audited as data; no command runs, no marker file appears', async () => {
    const marker = path.join(makeTree({}), 'pwned');
    const name = `src/$(touch ${marker}).ts`;
    const run = await auditNamed(name);
    expect(cites(run, name)).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
  });

  it('file names with ".." in them (a..b.ts, ..hidden.ts) → audited, not taken for traversal', async () => {
    const run = await auditTree({ ...APP, 'src/a..b.ts': 'export const a = 1;\n', '..hidden.ts': 'export const b = 2;\n' });
    expect(run.code).toBe(EXIT.blocked);
    expect(run.reports.report.coverage.filesAudited).toBe(5);
    expect(skippedReasons(run.reports)).toEqual({});
  });

  it('a file named <script>alert(1)</script>.ts → escaped in the HTML report, a plain string in JSON and SARIF', async () => {
    const name = 'src/<script>alert(1)</script>.ts';
    const run = await auditNamed(name);
    expect(cites(run, name)).toBe(true);
    expect(run.reports.html).not.toContain('<script>alert(1)');
    expect(run.reports.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.ts');
    const sarif = JSON.parse(run.reports.sarif) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris.some((u) => decodeURIComponent(u) === name || u === name)).toBe(true);
  });

  it('a file named "](javascript:alert(1)).md" and a link-shaped name → only inside code spans in the markdown report', async () => {
    const root = makeTree(APP);
    fs.mkdirSync(path.join(root, 'docs'));
    fs.symlinkSync('/etc/hostname', path.join(root, 'docs', '](javascript:alert(1)).md'));
    fs.symlinkSync('/etc/hostname', path.join(root, 'docs', '[click](evil.example).md'));
    const run = await auditTree(root);
    expect(run.code).toBe(EXIT.blocked);
    expect(skippedReasons(run.reports)).toMatchObject({ 'docs/](javascript:alert(1)).md': 'symlink', 'docs/[click](evil.example).md': 'symlink' });
    expect(run.reports.md).toContain('`docs/](javascript:alert(1)).md`');
    expect(markdownProse(run.reports.md)).not.toMatch(/javascript:|evil\.example/);
    expect(run.reports.html).not.toMatch(/href="javascript:|href="https:\/\/evil/);
  });

  it('a file name with a newline and a fake heading → skipped as "unsafe-name", shown escaped; no line of any report is forged', async () => {
    const name = 'src/x\n\n# Verdict: PRODUCTION READY\n\n.ts';
    const run = await auditTree({ ...APP, [name]: SQL_HANDLER });
    expect(run.code).toBe(EXIT.blocked);
    expect(skippedReasons(run.reports)['src/x\\n\\n# Verdict: PRODUCTION READY\\n\\n.ts']).toBe('unsafe-name');
    expect(run.reports.md).not.toMatch(/^# Verdict: PRODUCTION READY/m);
    expect(run.stdout).not.toMatch(/^# Verdict/m);
    expect(run.reports.report.verdict.rating).toBe('NOT READY');
  });

  it('a file name with terminal escape codes → skipped as "unsafe-name"; no raw ESC reaches stdout, stderr or a report', async () => {
    const name = 'src/\u001b[2J\u001b[32mPRODUCTION READY\u001b[0m.ts';
    const run = await auditTree({ ...APP, [name]: SQL_HANDLER });
    expect(run.code).toBe(EXIT.blocked);
    expect(skippedReasons(run.reports)['src/\\u001b[2J\\u001b[32mPRODUCTION READY\\u001b[0m.ts']).toBe('unsafe-name');
    expect(run.stdout + run.stderr + run.reports.all).not.toContain('\u001b[2J');
  });

  it('a file name with a right-to-left override (Trojan-Source style) → skipped as "unsafe-name", shown escaped', async () => {
    const name = 'src/invoice\u202Egnp.ts';
    const run = await auditTree({ ...APP, [name]: SQL_HANDLER });
    expect(run.code).toBe(EXIT.blocked);
    expect(skippedReasons(run.reports)['src/invoice\\u202egnp.ts']).toBe('unsafe-name');
    expect(run.stdout + run.stderr + run.reports.all).not.toContain('\u202E');
  });

  it('a folder whose name holds a tab → skipped whole as "unsafe-name", the rest is audited', async () => {
    const run = await auditTree({ ...APP, 'src/we\tird/a.ts': SQL_HANDLER });
    expect(run.code).toBe(EXIT.blocked);
    expect(skippedReasons(run.reports)['src/we\\tird/']).toBe('unsafe-name');
    expect(run.reports.report.coverage.filesAudited).toBe(3);
  });

  it('unicode file names (accents, CJK, emoji) → audited as ordinary files, cited by name', async () => {
    const run = await auditNamed('src/commandes-é/注文🚀.ts');
    expect(cites(run, 'src/commandes-é/注文🚀.ts')).toBe(true);
    expect(skippedReasons(run.reports)).toEqual({});
  });

  it('a target folder named <img src=x onerror=alert(1)> → escaped in the HTML report, slug-safe report names', async () => {
    const parent = makeTree({});
    const root = path.join(parent, '<img src=x onerror=alert(1)>');
    fs.mkdirSync(root);
    for (const [rel, text] of Object.entries(APP)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    const run = await auditTree(root);
    expect(run.code).toBe(EXIT.blocked);
    expect(run.reports.html).not.toContain('<img src=x');
    for (const p of run.reports.paths) expect(path.basename(p)).toMatch(/^[0-9TZ]+-[a-z0-9-]+\.(md|json|sarif|html)$/);
  });
});

describe('config files prod-audit reads: .prod-audit/accepted.json', () => {
  const broken = async (content: string | Buffer, pattern: RegExp, link?: string) => {
    const root = makeTree({ ...APP, ...(link ? {} : { '.prod-audit/accepted.json': content }) });
    if (link) {
      fs.mkdirSync(path.join(root, '.prod-audit'));
      fs.symlinkSync(link, path.join(root, '.prod-audit', 'accepted.json'));
    }
    const before = listTree(root);
    const run = await cli(['audit', root]);
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, pattern);
    expect(run.stdout).toBe('');
    expect(listTree(root)).toEqual(before);
    return run;
  };

  it('accepted.json that is not JSON → exit 2, one line naming the file and the position, nothing written', async () => {
    await broken('{ "version": 1, "accepted": [ ', /accepted\.json is not valid JSON \(it ends too early\)\. Fix the file/);
    await broken('{ "version": 1,\n  "accepted": [ 1 2 ]\n}', /accepted\.json is not valid JSON \(.* at line 2, column \d+\)\. Fix the file/);
  });

  it('accepted.json with the wrong schema → exit 2, one line naming the first problem', async () => {
    await broken(JSON.stringify({ version: 1, accepted: [{ fingerprint: 42, reason: '' }] }), /accepted\.json is invalid: accepted\[0\]\.fingerprint: /);
  });

  it('accepted.json of 5 MB of broken JSON → exit 2, one short line', async () => {
    const run = await broken(`{"version":1,"accepted":[${'{"fingerprint":"0123456789abcdef","reason":"x"},'.repeat(110_000)}`, /is not valid JSON/);
    expect(run.stderr.length).toBeLessThan(600);
  });

  it('accepted.json that holds a secret and breaks → exit 2; the error never echoes the file content', async () => {
    const secret = ['sk_live_', 'Qw3rTy8Ui9Op0As1Df2Gh3Jk'].join('');
    const run = await broken(`{"version":1,"accepted":[{"reason":"${secret}" oops`, /is not valid JSON \(.* at line 1, column \d+\)/);
    expect(run.stderr).not.toContain(secret);
    expect(run.stderr).not.toContain('oops');
  });

  it('accepted.json that is a symlink to /etc/passwd → exit 2; no line of /etc/passwd is printed', async () => {
    const run = await broken('', /accepted\.json is not valid JSON \(unexpected character 'r'\)/, '/etc/passwd');
    expect(run.stderr).not.toMatch(/root:x/);
  });

  it('accepted.json that is a folder → exit 2 "Cannot read … EISDIR"', async () => {
    const root = makeTree({ ...APP, '.prod-audit/accepted.json/x': 'y' });
    const run = await cli(['audit', root]);
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Cannot read .*accepted\.json: EISDIR/);
  });
});

describe("the target's own config files are data, not configuration", () => {
  it('a broken package.json → the audit completes with the same verdict', async () => {
    const run = await auditTree({ ...APP, 'package.json': '{ "name": "app", "dependencies": { "express": ' });
    expect(run.code, run.stderr).toBe(EXIT.blocked);
    expect(run.reports.report.verdict.rating).toBe('NOT READY');
  });

  it('a package.json that is a JSON array with 10,000 nested brackets → the audit completes', async () => {
    const run = await auditTree({ ...APP, 'package.json': `${'['.repeat(10_000)}${']'.repeat(10_000)}` });
    expect(run.code, run.stderr).toBe(EXIT.blocked);
  });

  it('a tsconfig.json with comments, trailing commas and garbage → the audit completes', async () => {
    const run = await auditTree({ ...APP, 'tsconfig.json': '// comment\n{ "compilerOptions": { "strict": true, }, /* x */ "extends": 42, }}}}\n' });
    expect(run.code, run.stderr).toBe(EXIT.blocked);
    expect(run.reports.report.verdict.rating).toBe('NOT READY');
  });

  it('a .gitignore with odd patterns (negations, [z-a], [, \\, a 10,000-char line) → the audit completes, the server is still read', async () => {
    const run = await auditTree({ ...APP, '.gitignore': `!src/\n[z-a]\n[\n\\\n${'a*'.repeat(5000)}\n#comment\n/\n!\n**/*.log\n\\!x\n` });
    expect(run.code, run.stderr).toBe(EXIT.blocked);
    expect(run.reports.report.findings.some((f) => f.evidence[0]!.file === 'src/server.ts')).toBe(true);
  });

  it('a .gitignore of binary garbage → the audit completes', async () => {
    const run = await auditTree({ ...APP, '.gitignore': Buffer.from([0xff, 0xfe, 0x00, 0x2a, 0x0a, 0x80, 0x81]) });
    expect(run.code, run.stderr).toBe(EXIT.blocked);
  });

  it('a nested .gitignore that ignores its own folder with "*" → that folder is left out, the rest is audited', async () => {
    const run = await auditTree({ ...APP, 'legacy/.gitignore': '*\n', 'legacy/old.ts': SQL_HANDLER });
    expect(run.code).toBe(EXIT.blocked);
    expect(run.reports.report.findings.every((f) => !f.evidence[0]!.file.startsWith('legacy/'))).toBe(true);
  });
});
