import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/**
 * ORM calls that drop every table: Sequelize `sync({ force: true })`, `drop()` and `dropAllSchemas()`,
 * TypeORM `synchronize(true)` and `dropDatabase()`, Mongoose/MongoDB `dropDatabase()`.
 */
const WIPE_METHODS = new Set(['sync', 'drop', 'dropAllSchemas', 'synchronize', 'dropDatabase']);
const ORM_WIPE = /\.sync\(\s*\{[^}]*\bforce\s*:\s*true|\b(?:sequelize|db|database)\.drop\(|\.dropAllSchemas\(|\.synchronize\(\s*true\s*\)|\.dropDatabase\(/;

/** Commands that throw away a whole database or schema. */
const WIPE = /\bprisma\s+migrate\s+reset\b|\bprisma\s+db\s+push\b.*--(?:force-reset|accept-data-loss)|\bDROP\s+(?:SCHEMA|DATABASE)\b|\bdropdb\s|\bschema:drop\b|\bdb:drop\b|\bdb:reset\b|\bmigrate:rollback\s+--all\b|\bmigrate:fresh\b|\bTRUNCATE\s+(?:TABLE\s+)?\w/i;
/** A check before the command that it is not pointed at production, or a confirmation prompt. */
const GUARD = /\bprod(?:uction)?\b|\b(?:NODE|APP|RAILS|DEPLOY)_ENV\b|\bENVIRONMENT\b|\bread\b.*\s-\w*p\b|\bconfirm|are you sure|localhost|127\.0\.0\.1/i;
/** A database that lives and dies with the CI job or the developer's machine. */
const THROWAWAY_DB = /^\s*services\s*:|(?:localhost|127\.0\.0\.1|@postgres:|@db:|@mysql:)/m;

export default defineProbe({
  meta: {
    id: 'database-reset-without-guard',
    title: 'Database wiped by a deploy step or script without a guard',
    category: 'Human Error',
    severity: 'CRITICAL',
    phase: 8,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: 'A CI/CD job, Dockerfile, shell script or JS script runs a command that wipes a database (prisma migrate reset, db push --force-reset, DROP SCHEMA/DATABASE, dropdb, schema:drop, TRUNCATE, Sequelize `sync({ force: true })`, `dropDatabase()`) against a database that is not a local or CI service database, with no environment check or confirmation before it.',
    impact: 'One run of the pipeline, or one invocation with the production DATABASE_URL in the shell, deletes every row in production; recovery means a restore and losing everything since the last backup.',
    remediation: 'Never reset in deploy jobs (use `prisma migrate deploy`); in scripts, refuse to run when the URL or environment looks like production and ask for explicit confirmation; point CI resets at a service container.',
    effort: 'hours',
  },
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.files(['yaml', 'shell', 'dockerfile'], [WIPE])) {
      const isWorkflow = /(?:^|\/)\.github\/workflows\//.test(file.path) || /^\s*jobs\s*:/m.test(file.text);
      file.lines.forEach((raw, index) => {
        const line = file.language === 'yaml' || file.language === 'shell' ? raw.replace(/(^|\s)#.*$/, '') : raw;
        if (!WIPE.test(line)) return;
        if (file.language === 'yaml' && isWorkflow && THROWAWAY_DB.test(jobBlock(file, index))) return;
        if (file.language === 'shell' && GUARD.test(scopeBefore(file, index))) return;
        if (GUARD.test(line)) return;
        hits.push({ file, line: index + 1, message: `\`${line.trim().slice(0, 80)}\` wipes the database it points at, and nothing checks that it is not production.` });
      });
    }
    return [...hits, ...ormWipes(ctx)];
  },
});

/** ORM wipes in shipped scripts, unless something before them in the file checks the environment or asks. */
function ormWipes(ctx: ProbeContext): Hit[] {
  const hits: Hit[] = [];
  for (const file of ctx.scripts(['sync(', 'drop(', 'dropAllSchemas(', 'synchronize(', 'dropDatabase('])) {
    for (const call of ctx.calls(file)) {
      const text = call.getText();
      const method = ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : '';
      if (!WIPE_METHODS.has(method) || !ORM_WIPE.test(`${call.expression.getText()}(${call.arguments.map((a) => a.getText()).join(', ')})`)) continue;
      const before = file.text.slice(0, call.getStart()).replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      if (GUARD.test(before)) continue;
      hits.push({ file, line: lineOf(call), message: `\`${text.slice(0, 80)}\` drops every table of the database it is connected to, and nothing before it checks that it is not production.` });
    }
  }
  return hits;
}

/** The lines of the workflow job holding `index`: from its `  name:` key to the next job. */
function jobBlock(file: SourceFile, index: number): string {
  let start = index;
  while (start > 0 && !/^ {2}[\w-]+\s*:\s*$/.test(file.lines[start]!)) start--;
  let end = index + 1;
  while (end < file.lines.length && !/^ {0,2}[\w-]+\s*:/.test(file.lines[end]!)) end++;
  return file.lines.slice(start, end).map((l) => l.replace(/(^|\s)#.*$/, '')).join('\n');
}

/** The shell lines from the start of the enclosing case branch or function (or the file) to `index`. */
function scopeBefore(file: SourceFile, index: number): string {
  let start = index;
  while (start > 0 && !/^\s*(?:[\w|*"'-]+\)\s*$|(?:function\s+)?\w+\s*\(\)\s*\{)/.test(file.lines[start]!)) start--;
  return file.lines.slice(start, index).map((l) => l.replace(/(^|\s)#.*$/, '')).join('\n');
}
