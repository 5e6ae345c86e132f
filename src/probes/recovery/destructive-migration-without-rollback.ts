import type { SourceFile } from '../../repo/view.js';
import { findNodes, lineOf, methodName, stringValue, ts } from '../support/ast.js';
import { downMentions, isReversible, MIGRATION_DIR, migrationStep, sqlMigration } from '../support/migrations.js';
import { DOWN_FILE, sqlName } from '../support/sql.js';
import { defineProbe, type Hit } from '../types.js';

const DESTRUCTIVE = /\bdrop\s+table\s+(?:if\s+exists\s+)?([\w."`[\]]+)|\bdrop\s+column\s+(?:if\s+exists\s+)?([\w"`[\]]+)|\btruncate\s+(?:table\s+)?([\w."`[\]]+)|\bdelete\s+from\s+([\w."`[\]]+)([^;]*)/gi;
const DROP_CALLS = new Set(['dropTable', 'dropTableIfExists', 'dropColumn', 'dropColumns', 'removeColumn', 'truncate', 'dropSchema']);
/** Sessions, caches and locks are rebuilt by using the application: emptying them loses nothing a rollback needs. */
const DISPOSABLE = /(?:^|_)(?:sessions?|cache|caches|locks?)$/;

export default defineProbe({
  meta: {
    id: 'destructive-migration-without-rollback',
    title: 'Destructive migration with no way back',
    category: 'Recovery',
    severity: 'CRITICAL',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'high',
    description: 'A migration drops a table or column, truncates a table or deletes every row, and has no down migration that restores it.',
    impact: 'Deploying it destroys data at once; if the release has to be rolled back, the schema and the data can only come back from a backup, if there is one.',
    remediation: 'Split it into expand/contract steps, write a down migration that recreates the table or column (and back up or copy the data first), and rehearse the rollback.',
    effort: 'days',
  },
  applies: (ctx) => ctx.files(['sql', 'typescript', 'javascript']).some((f) => MIGRATION_DIR.test(f.path)),
  detect(ctx) {
    const sql = ctx.files(['sql']).filter((f) => MIGRATION_DIR.test(f.path));
    const byPath = new Map(sql.map((f) => [f.path, f]));
    const scripts = ctx.scripts(['up']).filter((f) => MIGRATION_DIR.test(f.path));
    return [...sql.filter((f) => !DOWN_FILE.test(f.path)).flatMap((f) => sqlHits(f, byPath)), ...scripts.flatMap((f) => scriptHits(f, ctx.ast(f)))];
  },
});

function sqlHits(file: SourceFile, byPath: ReadonlyMap<string, SourceFile>): Hit[] {
  const { up, upStart, down } = sqlMigration(file, byPath);
  const prisma = /(?:^|\/)prisma\/migrations\//.test(file.path) ? ' (Prisma has no down step: keep a down.sql beside it and a tested backup)' : '';
  return destructive(up, upStart)
    .filter(({ name }) => down === undefined || !downMentions(down, name))
    .map(({ offset, what }) => ({ file, line: file.lineAt(offset), message: `Migration ${what} and ${down === undefined ? 'has no down migration' : 'its down migration does nothing'} to restore it${prisma}.` }));
}

/** Destructive statements in SQL text, skipping tables the same migration creates or renames into place (table rebuilds). */
function destructive(sql: string, base: number): { offset: number; what: string; name: string }[] {
  const rebuilt = new Set([...sql.matchAll(/\b(?:create\s+table\s+(?:if\s+not\s+exists\s+)?|rename\s+to\s+)([\w."`[\]]+)/gi)].map((m) => sqlName(m[1]!)));
  const found: { offset: number; what: string; name: string }[] = [];
  for (const m of sql.matchAll(DESTRUCTIVE)) {
    const [, table, column, truncated, deleted, rest] = m;
    const name = sqlName(table ?? column ?? truncated ?? deleted!);
    if (table && rebuilt.has(name)) continue;
    if (deleted && /\bwhere\b/i.test(rest ?? '')) continue;
    if ((truncated || deleted) && DISPOSABLE.test(name)) continue;
    const what = table ? `drops table ${name}` : column ? `drops column ${name}` : truncated ? `truncates ${name}` : `deletes every row of ${name}`;
    found.push({ offset: base + m.index, what, name });
  }
  return found;
}

/** knex, Sequelize, TypeORM and node-pg-migrate: an `up` that destroys data and a `down` that is missing, empty, throws or leaves that table or column gone. */
function scriptHits(file: SourceFile, sf: ts.SourceFile): Hit[] {
  const up = migrationStep(sf, 'up');
  if (!up) return [];
  const downStep = migrationStep(sf, 'down');
  // The down step's strings (SQL, table and column names), not its comments.
  const down = isReversible(downStep) ? findNodes(downStep!, (n): n is ts.StringLiteralLike | ts.TemplateExpression => ts.isStringLiteralLike(n) || ts.isTemplateExpression(n)).map((n) => n.getText()).join('\n') : undefined;
  const restored = (name: string | undefined): boolean => down !== undefined && (name === undefined || downMentions(down, name));
  const why = down === undefined ? 'no working down' : 'a down that does not restore it';
  const created = new Set(findNodes(up, ts.isCallExpression).filter((c) => /^create(?:Table|Collection)$/.test(methodName(c) ?? '')).map((c) => stringValue(c.arguments[0])));
  const hits: Hit[] = [];
  for (const call of findNodes(up, ts.isCallExpression)) {
    const method = methodName(call) ?? '';
    const target = stringValue(call.arguments[0]);
    const args = call.arguments.slice(0, 2).map(stringValue).filter((a) => a !== undefined);
    const wipes = method === 'bulkDelete' && (!call.arguments[1] || /^(?:null|\{\s*\})$/.test(call.arguments[1].getText()));
    if (((DROP_CALLS.has(method) && !created.has(target)) || wipes) && !restored(args.at(-1))) {
      hits.push({ file, line: lineOf(call), message: `Migration calls ${method}(${args.map((a) => `'${a}'`).join(', ')}) in up with ${why}.` });
    }
  }
  for (const literal of findNodes(up, (n): n is ts.StringLiteralLike | ts.TemplateExpression => ts.isStringLiteralLike(n) || ts.isTemplateExpression(n))) {
    for (const { offset, what, name } of destructive(literal.getText(), literal.getStart(sf))) {
      if (!restored(name)) hits.push({ file, line: file.lineAt(offset), message: `Migration ${what} in up with ${why}.` });
    }
  }
  // A down step that is written but throws or does nothing is where the rollback fails: it is shown too.
  if (hits.length > 0 && downStep && !isReversible(downStep)) hits.push({ file, line: lineOf(downStep), message: 'The down step of this destructive migration throws or does nothing: rolling the release back cannot restore what up destroyed.' });
  return hits;
}
