import type { SourceFile } from '../../repo/view.js';
import { findNodes, lineOf, methodName, stringValue, ts } from '../support/ast.js';
import { MIGRATION_DIR, migrationStep, sqlMigration } from '../support/migrations.js';
import { DOWN_FILE, sqlName } from '../support/sql.js';
import { defineProbe, type Hit } from '../types.js';

/** `ALTER TABLE t RENAME [COLUMN] a TO b` and `ALTER TABLE t RENAME TO u`; constraints and indexes are invisible to the app. */
const RENAME = /\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?([\w."`[\]]+)\s+rename\s+(?:to\s+([\w."`[\]]+)|(?:column\s+)?(?!(?:constraint|index|to)\b)([\w"`[\]]+)\s+to\s+([\w"`[\]]+))/gi;
/** knex `renameColumn(from, to)`, Sequelize `renameColumn(table, from, to)`, TypeORM `renameColumn(table, from, to)`, and the table forms. */
const RENAME_CALLS = new Set(['renameColumn', 'renameTable']);

export default defineProbe({
  meta: {
    id: 'migration-renames-in-place',
    title: 'Migration renames a column or table in place',
    category: 'Recovery',
    severity: 'HIGH',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A migration renames a column or table in one step instead of expanding to the new name and contracting the old one in a later release.',
    impact: 'During a rolling deploy the instances still on the previous release query the old name and fail, and rolling the application back after the migration breaks it the same way, so the only way back is another migration under pressure.',
    remediation: 'Expand and contract: add the new column (or a view), write both and backfill, switch reads to the new name in one release, and drop the old name in a later one.',
    effort: 'days',
  },
  applies: (ctx) => ctx.files(['sql', 'typescript', 'javascript']).some((f) => MIGRATION_DIR.test(f.path)),
  detect(ctx) {
    const sql = ctx.files(['sql'], [/rename/i]).filter((f) => MIGRATION_DIR.test(f.path) && !DOWN_FILE.test(f.path));
    const byPath = new Map(ctx.files(['sql']).filter((f) => MIGRATION_DIR.test(f.path)).map((f) => [f.path, f]));
    const scripts = ctx.scripts([/rename/i]).filter((f) => MIGRATION_DIR.test(f.path));
    return [
      ...sql.flatMap((file) => {
        const { up, upStart } = sqlMigration(file, byPath);
        return renames(up).map(({ offset, what }) => hit(file, file.lineAt(upStart + offset), what));
      }),
      ...scripts.flatMap((file) => scriptHits(file, ctx.ast(file))),
    ];
  },
});

function hit(file: SourceFile, line: number, what: string): Hit {
  return { file, line, message: `Migration renames ${what} in place: instances still running the previous release, and the application after a rollback, query the old name and fail.` };
}

/** Renames in SQL text, leaving out a table built in the same migration and renamed into place (a table rebuild). */
function renames(sql: string): { offset: number; what: string }[] {
  const created = new Set([...sql.matchAll(/\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?([\w."`[\]]+)/gi)].map((m) => sqlName(m[1]!)));
  return [...sql.matchAll(RENAME)].flatMap((m) => {
    const [, table, newTable, from, to] = m;
    if (newTable) return created.has(sqlName(table!)) ? [] : [{ offset: m.index, what: `table ${sqlName(table!)} to ${sqlName(newTable)}` }];
    return [{ offset: m.index, what: `column ${sqlName(table!)}.${sqlName(from!)} to ${sqlName(to!)}` }];
  });
}

function scriptHits(file: SourceFile, sf: ts.SourceFile): Hit[] {
  const up = migrationStep(sf, 'up');
  if (!up) return [];
  const created = new Set(findNodes(up, ts.isCallExpression).filter((c) => methodName(c) === 'createTable').map((c) => stringValue(c.arguments[0])));
  const hits: Hit[] = [];
  for (const call of findNodes(up, ts.isCallExpression)) {
    const method = methodName(call) ?? '';
    const names = call.arguments.map(stringValue);
    if (!RENAME_CALLS.has(method) || names.length < 2 || names.some((n) => n === undefined)) continue;
    if (method === 'renameTable' && created.has(names[0])) continue;
    hits.push(hit(file, lineOf(call), `${method === 'renameTable' ? 'table' : 'column'} ${names.at(-2)} to ${names.at(-1)}`));
  }
  for (const literal of findNodes(up, (n): n is ts.StringLiteralLike | ts.TemplateExpression => ts.isStringLiteralLike(n) || ts.isTemplateExpression(n))) {
    for (const { offset, what } of renames(literal.getText())) hits.push(hit(file, file.lineAt(literal.getStart(sf) + offset), what));
  }
  return hits;
}
