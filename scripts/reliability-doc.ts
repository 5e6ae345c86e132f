/**
 * Writes docs/reliability.md from the fault and hostile-input suites themselves: every row is a named
 * test ("input → observed behaviour"), so the table cannot claim a behaviour no test checks.
 * `npm run docs:reliability`; tests/docs/reliability.test.ts fails when the file is out of date.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { caseNames, mcpHostileRows, RELIABILITY_SUITES } from '../tests/helpers/case-names.js';

const INTRO = `# Reliability: faults and hostile input

An auditor that asks for recovery, idempotency and cost control has to practise them. Every row below is
a test of its own, named "what happens → what prod-audit does", and this page is generated from those
names (\`npm run docs:reliability\`; a test fails when it is out of date). Run them with
\`npx vitest run tests/faults tests/state tests/hostile tests/mcp/hostile.test.ts\`.

What holds throughout:

- **Nothing is lost.** Reports are written to temporary files and renamed only when every format is
  rendered and written; a failure removes them all. Checkpoints and cache entries are written the same
  way, so a crash leaves the last complete version. An interrupt writes a report marked INCOMPLETE.
- **A user error is one line and exit 2**: the cause and the next step, never a stack trace.
- **Money is not spent twice.** A finished agent's result is reused from the run's checkpoint or the
  result cache while everything it read is unchanged (see the README, *Checkpoints, resume and the
  result cache*).
- **The target is hostile.** It is never executed; text in it never becomes an instruction; its
  secrets never leave the machine and never reach a report, the event stream or a log unredacted.
`;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(name: string): string {
  const at = name.indexOf(' → ');
  return at < 0 ? `| ${cell(name)} | |` : `| ${cell(name.slice(0, at))} | ${cell(name.slice(at + 3))} |`;
}

export function renderReliabilityDoc(): string {
  const out = [INTRO];
  for (const kind of ['fault', 'hostile'] as const) {
    const suites = RELIABILITY_SUITES.filter((s) => s.kind === kind).map((s) => ({ ...s, names: caseNames(s.path).filter((n) => n.includes(' → ')) }));
    const mcp = kind === 'hostile' ? mcpHostileRows() : [];
    const total = suites.reduce((n, s) => n + s.names.length, 0) + mcp.length;
    out.push(kind === 'fault' ? `## Faults (${total})\n` : `## Hostile input (${total})\n`);
    for (const suite of suites) {
      out.push(`### ${suite.title}\n`, `From \`${suite.path}\`.\n`, `| ${kind === 'fault' ? 'fault' : 'input'} | observed behaviour |`, '| --- | --- |', ...suite.names.map(row), '');
    }
    if (mcp.length > 0) {
      out.push('### The repository tools (MCP), one call each\n', 'From `tests/mcp/hostile.test.ts`: each call is made against a repository built to hurt, and after the whole table the server still answers normally and nothing was written outside the root.\n', '| input | tool | observed behaviour |', '| --- | --- | --- |');
      for (const r of mcp) out.push(`| ${cell(r.name)} | \`${r.tool}\` | ${r.expected === "'redacted'" ? 'answered, every secret value redacted' : `refused with an error matching \`${cell(r.expected)}\``} |`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  fs.writeFileSync('docs/reliability.md', renderReliabilityDoc());
  console.log('wrote docs/reliability.md');
}
