import type { SourceFile } from '../../repo/view.js';
import { drizzleTables } from '../support/schema-drizzle.js';
import { knexTables } from '../support/schema-knex.js';
import { tableColumns, upStatements } from '../support/sql.js';
import { defineProbe, type Hit } from '../types.js';

const STATUS_COLUMN = /^(?:status|state|\w+_status|\w+_state)$/;
const FREE_TEXT = /^(?:text|varchar|character\s+varying|nvarchar|char|string)\b/i;

export default defineProbe({
  meta: {
    id: 'status-column-without-constraint',
    title: 'Status column accepts any text',
    category: 'State Machine',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A SQL, Knex or Drizzle `status` or `state` column is free text (TEXT/VARCHAR, `t.string`/`t.text`, Drizzle `text`/`varchar` without `{ enum }`, `pgEnum` or `check`) with no CHECK constraint listing its states and no enum type.',
    impact: 'A typo or a stale client writes a state no code handles (`"canceled"` beside `"cancelled"`): the record falls out of every workflow and no query finds it.',
    remediation: 'Declare the states: `CHECK (status IN (\'pending\', \'paid\', ...))` or a PostgreSQL enum type, added in a migration.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['sql'], [/status|state/i]).length > 0 || knexTables(ctx).length > 0 || drizzleTables(ctx).length > 0,
  detect(ctx) {
    const files = ctx.files(['sql'], [/status|state/i]);
    // Knex migrations add CHECKs with `knex.raw('ALTER TABLE … CHECK (status IN …)')`: their text counts as SQL.
    const knex = knexTables(ctx);
    const knexFiles = [...new Set(knex.map((t) => t.file))];
    const text = [...files, ...knexFiles].map((file) => file.text).join('\n');
    const sqlHits = files.flatMap((file) => upStatements(file).flatMap((s) => tableColumns(s).flatMap((column): Hit[] => {
      if (!STATUS_COLUMN.test(column.name) || !FREE_TEXT.test(column.definition) || /\bcheck\b/i.test(column.definition)) return [];
      // A table-level CHECK, or one added later by ALTER TABLE, constrains it just as well.
      if (new RegExp(`\\bcheck\\s*\\(\\s*(?:"?\\w+"?\\.)?"?${column.name}"?\\s+(?:in|=)`, 'i').test(s.text) || constrainedLater(text, column.table, column.name)) return [];
      return [hit(file, column.offset, column.table, column.name)];
    })));
    const knexHits = knex.flatMap((table) =>
      table.columns
        .filter((c) => STATUS_COLUMN.test(c.name) && /^(?:TEXT|VARCHAR)/.test(c.type) && !/\bCHECK\b/.test(c.constraints) && !constrainedLater(text, table.name, c.name))
        .map((c): Hit => ({ file: table.file, line: c.line, message: `${table.name}.${c.name} accepts any text: no CHECK constraint or enum lists its states.` })),
    );
    // Drizzle: `pgEnum`/`mysqlEnum` columns, `{ enum: [...] }` and a `check(...)` naming the column read as CHECK.
    const drizzleHits = drizzleTables(ctx).flatMap((table) =>
      table.columns
        .filter((c) => STATUS_COLUMN.test(snakeCase(c.name)) && /^(?:TEXT|VARCHAR|CHAR)/.test(c.type) && !/\bCHECK\b/.test(c.constraints) && !constrainedLater(text, table.name, c.name))
        .map((c): Hit => ({ file: table.file, line: c.line, message: `${table.name}.${c.name} accepts any text: no CHECK constraint or enum lists its states.` })),
    );
    return [...sqlHits, ...knexHits, ...drizzleHits];
  },
});

function constrainedLater(text: string, table: string, column: string): boolean {
  return new RegExp(`alter\\s+table\\s+(?:only\\s+)?[\\w."]*${table}"?[^;]*\\bcheck\\s*\\(\\s*(?:"?\\w+"?\\.)?"?${column}\\b`, 'i').test(text);
}

function hit(file: SourceFile, offset: number, table: string, column: string): Hit {
  return { file, line: file.lineAt(offset), message: `${table}.${column} accepts any text: no CHECK constraint or enum lists its states.` };
}

/** Drizzle columns named only by their key: `orderStatus` → order_status. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
