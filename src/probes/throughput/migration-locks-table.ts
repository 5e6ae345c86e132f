import type { SourceFile } from '../../repo/view.js';
import { createdTables, MIGRATION_PATH, sqlName, upStatements, type SqlStatement } from '../support/sql.js';
import { defineProbe, type Hit } from '../types.js';

const MYSQL = /\bengine\s*=|\bauto_increment\b/i;
const CREATE_INDEX = /^create\s+(?:unique\s+)?index\s+(?!concurrently\b)(?:if\s+not\s+exists\s+)?(?:[\w."`[\]]+\s+)?on\s+(?:only\s+)?([\w."`[\]]+)/i;
const UPDATE = /^update\s+(?:only\s+)?([\w."`[\]]+)\s+(?:as\s+\w+\s+)?set\b([\s\S]*)$/i;
/** A batch: a key range, a LIMIT in a sub-select, a single row, or a join against a bounded set. */
const BATCHED = /\blimit\b|\bbetween\b|\bid\s*(?:<|>|<=|>=|=)|\bid\s+in\s*\(|\bctid\b/i;

export default defineProbe({
  meta: {
    id: 'migration-locks-table',
    title: 'Migration locks a live table',
    category: 'Throughput',
    severity: 'HIGH',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A PostgreSQL migration builds an index without `CONCURRENTLY`, or rewrites a whole existing table in one unbatched `UPDATE`, on a table it did not create itself.',
    impact: 'The statement holds a lock on the table for as long as it takes to scan every row: writes (and, for an UPDATE, every touched row) wait, requests time out and the deploy turns into an outage on a large table.',
    remediation: 'Use `CREATE INDEX CONCURRENTLY` outside a transaction, and backfill in batches of a few thousand rows by key range (or in a background job), committing between batches.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['sql']).some((file) => MIGRATION_PATH.test(file.path)),
  detect: (ctx) => ctx.files(['sql'], [/index|update/i]).filter((file) => MIGRATION_PATH.test(file.path) && !MYSQL.test(file.text)).flatMap(checkFile),
});

function checkFile(file: SourceFile): Hit[] {
  const statements = upStatements(file);
  // A table created in the same migration is empty: locking it costs nothing.
  const fresh = createdTables(statements);
  return statements.flatMap((s): Hit[] => {
    const finding = judge(s, fresh);
    // A backfill locks only the rows it touches; an index build blocks every write to the table.
    return finding ? [{ file, line: file.lineAt(s.offset), message: finding, ...(UPDATE.test(s.text) ? { severity: 'MEDIUM' as const } : {}) }] : [];
  });
}

function judge(statement: SqlStatement, fresh: ReadonlySet<string>): string | undefined {
  const index = CREATE_INDEX.exec(statement.text);
  if (index && !fresh.has(sqlName(index[1]!))) {
    return `CREATE INDEX on ${sqlName(index[1]!)} without CONCURRENTLY blocks every write to the table while the index builds.`;
  }
  const update = UPDATE.exec(statement.text);
  if (!update || fresh.has(sqlName(update[1]!))) return undefined;
  const where = /\bwhere\b([\s\S]*)$/i.exec(update[2]!)?.[1];
  if (where !== undefined && BATCHED.test(where)) return undefined;
  return `UPDATE ${sqlName(update[1]!)} rewrites ${where === undefined ? 'every row' : 'every matching row'} in one statement and one transaction: the rows stay locked until it ends.`;
}
