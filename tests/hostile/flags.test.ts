import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli.js';
import { APP, cli, expectOneLineError, listTree, spawnCli } from '../helpers/hostile.js';
import { git } from '../helpers/git.js';
import { makeTree } from '../helpers/tree.js';

const KEY = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

interface FlagCase {
  /** "input → observed behaviour" */
  name: string;
  argv: string[];
  env?: Record<string, string>;
  error: RegExp;
}

/** Every case runs in a fresh copy of APP as cwd, `audit .` unless argv starts with another command. */
export const FLAG_CASES: FlagCase[] = [
  { name: '--max-turns 0 → exit 2 "from 1 to 500"', argv: ['--max-turns', '0'], env: KEY, error: /Expected --max-turns to be an integer from 1 to 500, got "0"/ },
  { name: '--max-turns=-1 → exit 2 "from 1 to 500"', argv: ['--max-turns=-1'], env: KEY, error: /Expected --max-turns to be an integer from 1 to 500, got "-1"/ },
  { name: '--max-turns -1 (a value that looks like a flag) → exit 2 "ambiguous"', argv: ['--max-turns', '-1'], env: KEY, error: /--max-turns.*ambiguous/ },
  { name: '--max-turns 1e9 → exit 2 "from 1 to 500"', argv: ['--max-turns', '1e9'], env: KEY, error: /Expected --max-turns to be an integer from 1 to 500, got "1e9"/ },
  { name: '--max-turns abc → exit 2 "an integer"', argv: ['--max-turns', 'abc'], env: KEY, error: /Expected --max-turns to be an integer/ },
  { name: '--max-turns 2.5 → exit 2 "an integer"', argv: ['--max-turns', '2.5'], env: KEY, error: /Expected --max-turns to be an integer/ },
  { name: '--max-turns 3 without ANTHROPIC_API_KEY → exit 2 "needs the agents"', argv: ['--max-turns', '3'], error: /--max-turns needs the agents, and ANTHROPIC_API_KEY is not set/ },
  { name: '--budget-usd NaN → exit 2 "a number from 0.01"', argv: ['--budget-usd', 'NaN'], env: KEY, error: /Expected --budget-usd to be a number from 0.01 to 10000, got "NaN"/ },
  { name: '--budget-usd=-5 → exit 2 "a number from 0.01"', argv: ['--budget-usd=-5'], env: KEY, error: /Expected --budget-usd to be a number from 0.01 to 10000, got "-5"/ },
  { name: '--budget-usd Infinity → exit 2 "a number from 0.01"', argv: ['--budget-usd', 'Infinity'], env: KEY, error: /got "Infinity"/ },
  { name: '--budget-usd "" → exit 2 "a number from 0.01"', argv: ['--budget-usd', ''], env: KEY, error: /Expected --budget-usd to be a number from 0.01 to 10000, got ""/ },
  { name: '--budget-usd 0x10 → exit 2 (hex is not a price)', argv: ['--budget-usd', '0x10'], env: KEY, error: /Expected --budget-usd to be a number/ },
  { name: '--timeout 0 → exit 2 "from 1 to 86400"', argv: ['--timeout', '0'], env: KEY, error: /Expected --timeout to be a number from 1 to 86400, got "0"/ },
  { name: '--timeout 1e100 → exit 2 "from 1 to 86400"', argv: ['--timeout', '1e100'], env: KEY, error: /Expected --timeout to be a number from 1 to 86400/ },
  { name: '--concurrency 1000 → exit 2 "from 1 to 16"', argv: ['--concurrency', '1000'], env: KEY, error: /Expected --concurrency to be an integer from 1 to 16, got "1000"/ },
  { name: '--concurrency " " → exit 2 "an integer"', argv: ['--concurrency', ' '], env: KEY, error: /Expected --concurrency to be an integer from 1 to 16, got " "/ },
  { name: '--agents "" → exit 2 "list system-explorer…"', argv: ['--agents', ''], env: KEY, error: /Expected --agents to list system-explorer/ },
  { name: '--base-url javascript:alert(1) → exit 2 "an http(s) URL"', argv: ['--base-url', 'javascript:alert(1)'], env: KEY, error: /Expected --base-url to be an http\(s\) URL/ },
  { name: '--phase 0 → exit 2 "phases from 3 to 8"', argv: ['--phase', '0'], error: /Expected --phase to list phases from 3 to 8, got "0"/ },
  { name: '--phase 9 → exit 2 "phases from 3 to 8"', argv: ['--phase', '9'], error: /Expected --phase to list phases from 3 to 8, got "9"/ },
  { name: '--phase 0,9,x → exit 2 "phases from 3 to 8"', argv: ['--phase', '0,9,x'], error: /Expected --phase to list phases from 3 to 8, got "0,9,x"/ },
  { name: '--phase "" → exit 2 "phases from 3 to 8"', argv: ['--phase', ''], error: /Expected --phase to list phases from 3 to 8, got ""/ },
  { name: '--phase 4,,5 → exit 2 "phases from 3 to 8"', argv: ['--phase', '4,,5'], error: /Expected --phase to list phases from 3 to 8/ },
  { name: '--format pdf → exit 2 "md, json, sarif, html"', argv: ['--format', 'pdf'], error: /Expected --format to list md, json, sarif, html, got "pdf"/ },
  { name: '--format "" → exit 2 "md, json, sarif, html"', argv: ['--format', ''], error: /Expected --format to list md, json, sarif, html, got ""/ },
  { name: '--format md,../../x → exit 2 (no path in a format)', argv: ['--format', 'md,../../x'], error: /Expected --format to list/ },
  { name: '--fail-on sometimes → exit 2 "stop-ship, high, never"', argv: ['--fail-on', 'sometimes'], error: /Expected --fail-on to be one of stop-ship, high, never, got "sometimes"/ },
  { name: '--fail-on high,pre-existing without --since → exit 2 "only means something with --since"', argv: ['--fail-on', 'high,pre-existing'], error: /pre-existing only means something with --since/ },
  { name: 'an unknown flag --bogus → exit 2 "Unknown option"', argv: ['--bogus'], error: /Unknown option '--bogus'/ },
  { name: 'a flag missing its value (--out at the end) → exit 2', argv: ['--out'], error: /Option '--out <value>' argument missing/ },
  { name: 'two target paths → exit 2 "one path to audit"', argv: ['other'], error: /Expected one path to audit, got 2: \. other/ },
  { name: '--context with 1 MB of text → exit 2 "at most 2000 characters"', argv: ['--context', 'x'.repeat(1024 * 1024)], error: /Expected --context of at most 2000 characters, got 1048576/ },
  { name: '--since "$(touch pwned)" → exit 2 "one git revision", nothing runs', argv: ['--since', '$(touch pwned)'], error: /Expected --since to be one git revision/ },
  { name: '--since "main;touch pwned" → exit 2 "one git revision", nothing runs', argv: ['--since', 'main;touch pwned'], error: /Expected --since to be one git revision/ },
  { name: '--since "`touch pwned`" → exit 2 "one git revision", nothing runs', argv: ['--since', '`touch pwned`'], error: /Expected --since to be one git revision/ },
  { name: '--since=--output=pwned (git option injection) → exit 2 "one git revision"', argv: ['--since=--output=pwned'], error: /Expected --since to be one git revision/ },
  { name: '--since HEAD~1..HEAD (a range) → exit 2 "one git revision"', argv: ['--since', 'HEAD~1..HEAD'], error: /Expected --since to be one git revision/ },
  { name: '--since a-ref-that-is-not-there outside git → exit 2 "needs a git repository"', argv: ['--since', 'no-such-ref'], error: /--since needs a git repository/ },
  { name: '--out a file that exists → exit 2 "Cannot write the report", the file is untouched', argv: ['--out', 'package.json'], error: /Cannot write the report to .*package\.json: (EEXIST|ENOTDIR)\. Choose a writable folder/ },
  { name: '--out below a file → exit 2 "Cannot write the report"', argv: ['--out', 'package.json/reports'], error: /Cannot write the report to .*: (EEXIST|ENOTDIR)/ },
  { name: '--format given twice → exit 2 "given more than once"', argv: ['--format', 'md', '--format', 'json'], error: /--format was given more than once/ },
  { name: '--out given twice → exit 2 "given more than once"', argv: ['--out', 'a', '--out', 'b'], error: /--out was given more than once/ },
  { name: '--since given twice → exit 2 "given more than once"', argv: ['--since', 'HEAD', '--since', 'main'], error: /--since was given more than once/ },
  { name: 'accept with no fingerprint → exit 2 "Expected a fingerprint"', argv: ['accept', '--reason', 'x'], error: /Expected a fingerprint and at most one path, got 0/ },
  { name: 'accept without --reason → exit 2 "Expected --reason"', argv: ['accept', '0123456789abcdef'], error: /Expected --reason/ },
  { name: 'accept --expires 2026-13-45 → exit 2 one line', argv: ['accept', '0123456789abcdef', '--reason', 'ok', '--expires', '2026-13-45'], error: /expires|2026-13-45/i },
  { name: 'mcp --root pointing nowhere → exit 2 "Path not found"', argv: ['mcp', '--root', 'no/such/dir'], error: /Path not found: .*no\/such\/dir/ },
  { name: 'an unknown command → exit 2 "Unknown command"', argv: ['audti'], error: /Unknown command "audti"/ },
];

describe('absurd flag values: exit 2, one line on stderr, no stack trace, nothing written', () => {
  it('has at least 40 flag cases', () => expect(FLAG_CASES.length).toBeGreaterThanOrEqual(40));

  for (const c of FLAG_CASES) {
    it(c.name, async () => {
      const root = makeTree(APP);
      const before = listTree(root);
      const command = ['accept', 'mcp', 'audti'].includes(c.argv[0]!) ? c.argv : ['audit', '.', ...c.argv];
      const run = await cli(command, { cwd: root, env: c.env ?? {} });
      expect(run.code, run.stderr).toBe(EXIT.usage);
      expectOneLineError(run.stderr, c.error);
      expect(run.stdout).toBe('');
      expect(listTree(root)).toEqual(before);
      expect(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).toBe(APP['package.json']);
    });
  }
});

describe('flags through the built CLI, as a real process, and flags that reach the audit', () => {
  it('--since "$(touch marker)" in a git repository → exit 2, one line, the marker file is never created', () => {
    const root = makeTree(APP);
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'init');
    const marker = path.join(makeTree({}), 'marker');
    for (const since of [`$(touch ${marker})`, `HEAD;touch ${marker}`, `\`touch ${marker}\``, `HEAD$(touch${'${IFS}'}${marker})`]) {
      const run = spawnCli(['audit', root, '--since', since], { cwd: root });
      expect(run.code, run.stderr).toBe(EXIT.usage);
      expectOneLineError(run.stderr, /Expected --since to be one git revision/);
    }
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync(path.join(root, 'packages'))).toBe(false);
  });

  it('--max-turns abc with a key set → exit 2 as a real process, one line, no stack trace', () => {
    const root = makeTree(APP);
    const run = spawnCli(['audit', root, '--max-turns', 'abc'], { env: KEY });
    expect(run.code).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Expected --max-turns to be an integer from 1 to 500, got "abc"/);
    expect(run.stdout).toBe('');
    expect(listTree(root)).toEqual(['package.json', 'src', 'src/db.ts', 'src/server.ts']);
  });

  it('--focus with only nonsense → exit 2, one error line and no progress before it, nothing written', async () => {
    const root = makeTree(APP);
    const run = await cli(['audit', '.', '--focus', 'zzz-nothing,/no/such/**/glob'], { cwd: root });
    expect(run.code, run.stderr).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Focus "zzz-nothing" matches no audited file\. Use a path or glob/);
    const quiet = await cli(['audit', '.', '--quiet', '--focus', '/no/such/**/glob'], { cwd: root });
    expect(quiet.code).toBe(EXIT.usage);
    expectOneLineError(quiet.stderr, /Focus "\/no\/such\/\*\*\/glob" matches no audited file/);
    expect(listTree(root)).toEqual(['package.json', 'src', 'src/db.ts', 'src/server.ts']);
  });

  it('--focus with a glob that matches no file (no/such/**) → exit 2 "matches no audited file", nothing written', async () => {
    const root = makeTree({ ...APP, 'src/z.ts': 'export const z = 1;\n' });
    const run = await cli(['audit', '.', '--quiet', '--focus', 'no/such/**'], { cwd: root });
    expect(run.code, run.stdout).toBe(EXIT.usage);
    expectOneLineError(run.stderr, /Focus "no\/such\/\*\*" matches no audited file/);
    expect(fs.existsSync(path.join(root, 'packages'))).toBe(false);
  });

  it('--focus src/db.ts (one file) → the stop-ship finding in src/server.ts is out of scope, exit 0', async () => {
    const root = makeTree(APP);
    const run = await cli(['audit', '.', '--quiet', '--format', 'json', '--out', 'r', '--focus', 'src/db.ts'], { cwd: root });
    expect(run.code, run.stdout).toBe(EXIT.ok);
    const report = JSON.parse(fs.readFileSync(path.join(root, 'r', fs.readdirSync(path.join(root, 'r'))[0]!), 'utf8')) as { findings: { evidence: { file: string }[] }[] };
    expect(report.findings.every((f) => f.evidence[0]!.file === 'src/db.ts')).toBe(true);
  });

  it('--offline --quiet --format json,json with a key set → probes only, one JSON report, nothing on stderr', async () => {
    const root = makeTree(APP);
    const run = await cli(['audit', '.', '--offline', '--quiet', '--format', 'json,json', '--out', 'r'], { cwd: root, env: KEY });
    expect(run.code, run.stderr).toBe(EXIT.blocked);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Mode: probes only');
    expect(fs.readdirSync(path.join(root, 'r'))).toEqual([expect.stringMatching(/\.json$/)]);
  });
});
