import fs from 'node:fs';
import path from 'node:path';

/**
 * The named cases of a test file: each literal `it('…', …)` and each `{ name: '…', … }` row of a
 * table-driven test. Names of the fault and hostile suites read "input → observed behaviour".
 */
export function caseNames(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const names: string[] = [];
  for (const m of text.matchAll(/^\s*it(?:\.skipIf\([^)]*\))?\(\s*(['"`])((?:\\.|(?!\1).)*?)\1,/gm)) names.push(unescape(m[2]!));
  for (const m of text.matchAll(/^\s*\{ name: (['"`])((?:\\.|(?!\1).)*?)\1,/gm)) names.push(unescape(m[2]!));
  return names;
}

function unescape(name: string): string {
  return name.replace(/\\(['"`\\])/g, '$1');
}

/** The suites listed in docs/reliability.md, in the order they appear there. */
export const RELIABILITY_SUITES: readonly { title: string; kind: 'fault' | 'hostile'; dir: string }[] = [
  { title: 'The Messages API', kind: 'fault', dir: 'tests/faults/api.test.ts' },
  { title: 'The model', kind: 'fault', dir: 'tests/faults/model.test.ts' },
  { title: 'The repository tools (MCP)', kind: 'fault', dir: 'tests/faults/mcp.test.ts' },
  { title: 'Interrupts, resume and the lock', kind: 'fault', dir: 'tests/state/signals.test.ts' },
  { title: 'Checkpoints', kind: 'fault', dir: 'tests/state/resume.test.ts' },
  { title: 'The result cache', kind: 'fault', dir: 'tests/state/result-cache.test.ts' },
  { title: 'The lock and the state folder', kind: 'fault', dir: 'tests/state/lock.test.ts' },
  { title: 'The output folder and the disk', kind: 'fault', dir: 'tests/faults/output.test.ts' },
  { title: 'Files and trees', kind: 'hostile', dir: 'tests/hostile/files.test.ts' },
  { title: 'File names', kind: 'hostile', dir: 'tests/hostile/names.test.ts' },
  { title: 'Secrets', kind: 'hostile', dir: 'tests/hostile/secrets.test.ts' },
  { title: 'Prompt injection', kind: 'hostile', dir: 'tests/hostile/injection.test.ts' },
  { title: 'Flags and config files', kind: 'hostile', dir: 'tests/hostile/flags.test.ts' },
];

/** The MCP tool table (tests/mcp/hostile.test.ts): `[name, tool, arguments, expected]` rows. */
export function mcpHostileRows(file = 'tests/mcp/hostile.test.ts'): { name: string; tool: string; expected: string }[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*\['([^']+)', '(\w+)', .*, (\/.*\/[a-z]*|'redacted')\],$/gm)].map((m) => ({ name: m[1]!, tool: m[2]!, expected: m[3]! }));
}

export function suiteFiles(dir: string): string[] {
  if (dir.endsWith('.ts')) return [dir];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}
