import fs from 'node:fs';

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
export const RELIABILITY_SUITES: readonly { title: string; kind: 'fault' | 'hostile'; path: string }[] = [
  { title: 'The Messages API', kind: 'fault', path: 'tests/faults/api.test.ts' },
  { title: 'The model', kind: 'fault', path: 'tests/faults/model.test.ts' },
  { title: 'The repository tools (MCP)', kind: 'fault', path: 'tests/faults/mcp.test.ts' },
  { title: 'Interrupts, resume and the lock', kind: 'fault', path: 'tests/state/signals.test.ts' },
  { title: 'Checkpoints', kind: 'fault', path: 'tests/state/resume.test.ts' },
  { title: 'The result cache', kind: 'fault', path: 'tests/state/result-cache.test.ts' },
  { title: 'The lock and the state folder', kind: 'fault', path: 'tests/state/lock.test.ts' },
  { title: 'The output folder and the disk', kind: 'fault', path: 'tests/faults/output.test.ts' },
  { title: 'Files and trees', kind: 'hostile', path: 'tests/hostile/files.test.ts' },
  { title: 'File names', kind: 'hostile', path: 'tests/hostile/names.test.ts' },
  { title: 'Secrets', kind: 'hostile', path: 'tests/hostile/secrets.test.ts' },
  { title: 'Prompt injection', kind: 'hostile', path: 'tests/hostile/injection.test.ts' },
  { title: 'Flags and config files', kind: 'hostile', path: 'tests/hostile/flags.test.ts' },
];

/** The MCP tool table (tests/mcp/hostile.test.ts): `[name, tool, arguments, expected]` rows. */
export function mcpHostileRows(file = 'tests/mcp/hostile.test.ts'): { name: string; tool: string; expected: string }[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*\['([^']+)', '(\w+)', .*, (\/.*\/[a-z]*|'redacted')\],$/gm)].map((m) => ({ name: m[1]!, tool: m[2]!, expected: m[3]! }));
}
