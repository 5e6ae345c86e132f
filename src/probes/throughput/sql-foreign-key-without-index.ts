import type { SourceFile } from '../../repo/view.js';
import { createdTables, sqlName, tableColumns, upStatements, type SqlStatement } from '../support/sql.js';
import { defineProbe, type Hit } from '../types.js';

/** MySQL's InnoDB indexes every foreign key itself. */
const MYSQL = /\bengine\s*=|\bauto_increment\b/i;
const INDEX = /^create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?(?:[\w."`[\]]+\s+)?on\s+(?:only\s+)?([\w."`[\]]+)\s*(?:using\s+\w+\s*)?\(([^)]*)\)/i;
const TABLE_KEY = /(?:primary\s+key|unique)\s*\(([^)]*)\)/gi;
const TABLE_FK = /foreign\s+key\s*\(([^)]*)\)\s*references/gi;

export default defineProbe({
  meta: {
    id: 'sql-foreign-key-without-index',
    title: 'Foreign key column without an index',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'high',
    description: 'A SQL column declared as a foreign key (`REFERENCES` or `FOREIGN KEY`) is not the leading column of any index, primary key or unique constraint in the migrations.',
    impact: 'Loading a parent’s children, and every cascade or restrict check when a parent is deleted, scans the whole child table: it gets slower with every row and holds locks longer as it grows.',
    remediation: 'Add `CREATE INDEX CONCURRENTLY … ON child (fk_column)` in a migration (or make the column the first of an existing composite index).',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['sql'], [/references/i]).length > 0,
  detect(ctx) {
    const files = ctx.files(['sql']).filter((file) => !MYSQL.test(file.text));
    const statements = files.map((file) => ({ file, statements: upStatements(file) }));
    // An index may come in a later migration than the table: collect them across every file first.
    const leading = new Set<string>();
    for (const s of statements.flatMap((f) => f.statements)) {
      const index = INDEX.exec(s.text);
      if (index) leading.add(`${sqlName(index[1]!)}.${firstColumn(index[2]!)}`);
      const table = [...createdTables([s])][0];
      for (const key of table ? s.text.matchAll(TABLE_KEY) : []) leading.add(`${table}.${firstColumn(key[1]!)}`);
      for (const column of tableColumns(s)) if (/\b(?:primary\s+key|unique)\b/i.test(column.definition)) leading.add(`${column.table}.${column.name}`);
    }
    return statements.flatMap(({ file, statements: list }) => list.flatMap((s) => foreignKeys(file, s).filter((fk) => !leading.has(fk.key)).map((fk) => fk.hit)));
  },
});

function firstColumn(list: string): string {
  return sqlName(list.split(',')[0]!.trim().split(/\s+/)[0]!);
}

function foreignKeys(file: SourceFile, statement: SqlStatement): { key: string; hit: Hit }[] {
  const columns = tableColumns(statement);
  const found = columns.filter((c) => /\breferences\b/i.test(c.definition)).map((c) => ({ table: c.table, name: c.name, offset: c.offset }));
  const table = columns[0]?.table;
  for (const fk of table ? statement.text.matchAll(TABLE_FK) : []) {
    found.push({ table: table!, name: firstColumn(fk[1]!), offset: statement.offset + fk.index });
  }
  const alter = /^alter\s+table\s+(?:only\s+)?(?:if\s+exists\s+)?([\w."`[\]]+)[\s\S]*?foreign\s+key\s*\(([^)]*)\)/i.exec(statement.text);
  if (alter) found.push({ table: sqlName(alter[1]!), name: firstColumn(alter[2]!), offset: statement.offset });
  return found.map((fk) => ({
    key: `${fk.table}.${fk.name}`,
    hit: { file, line: file.lineAt(fk.offset), message: `${fk.table}.${fk.name} references another table but no index starts with it: joins and cascades on it scan ${fk.table}.` },
  }));
}
