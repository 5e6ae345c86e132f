import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { knexTables } from './schema-knex.js';

/** One column of a `CREATE TABLE`, with the rest of its definition (constraints) as written. */
export interface SqlColumn {
  readonly name: string;
  /** Upper-cased type: `BIGINT`, `REAL`, `NUMERIC(12,2)`, `DOUBLE PRECISION`. */
  readonly type: string;
  readonly constraints: string;
  readonly line: number;
  readonly references?: { readonly table: string; readonly onDelete?: string };
}

export interface SqlTable {
  readonly file: SourceFile;
  readonly name: string;
  readonly line: number;
  readonly columns: readonly SqlColumn[];
  /** Column lists of PRIMARY KEY / UNIQUE constraints and unique indexes, wherever they were declared. */
  readonly uniques: string[][];
}

const cache = new WeakMap<ProbeContext, SqlTable[]>();

/**
 * Tables created by the target's `.sql` files (migrations, schema dumps) and its Knex schema builder
 * migrations, parsed once per audit. A Knex `alterTable` adds its uniques to the table it alters and
 * stands as a table of its own for the columns it adds (their lines are in its file).
 */
export function sqlTables(ctx: ProbeContext): readonly SqlTable[] {
  let tables = cache.get(ctx);
  if (!tables) {
    const files = ctx.files(['sql'], [/create\s+table/i]);
    tables = files.flatMap(parseTables);
    const knex = knexTables(ctx);
    tables.push(...knex.filter((t) => t.created));
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const altered of knex.filter((t) => !t.created)) {
      const base = byName.get(altered.name);
      if (base) base.uniques.push(...altered.uniques);
      if (altered.columns.length > 0) tables.push({ ...altered, uniques: base ? base.uniques : altered.uniques });
    }
    // Unique indexes and constraints added after the table, in any file.
    for (const file of ctx.files(['sql'], [/unique/i])) {
      for (const m of file.text.matchAll(/create\s+unique\s+index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?[\w".]*\s+on\s+(?:only\s+)?["`]?([\w.]+)["`]?\s*(?:using\s+\w+\s*)?\(([^;]*)\)/gi)) byName.get(bare(m[1]!))?.uniques.push(columnList(m[2]!));
      for (const m of file.text.matchAll(/alter\s+table\s+(?:only\s+)?(?:if\s+exists\s+)?["`]?([\w.]+)["`]?\s+add\s+(?:constraint\s+[\w"]+\s+)?(?:unique|primary\s+key)\s*\(([^)]*)\)/gi)) byName.get(bare(m[1]!))?.uniques.push(columnList(m[2]!));
    }
    addLaterForeignKeys(ctx, byName);
    cache.set(ctx, tables);
  }
  return tables;
}

/**
 * Foreign keys added after the table, as drizzle-kit and pg_dump write them:
 * `ALTER TABLE "payments" ADD CONSTRAINT "fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade`.
 * The column keeps its line in the CREATE TABLE and gains the reference.
 */
function addLaterForeignKeys(ctx: ProbeContext, byName: ReadonlyMap<string, SqlTable>): void {
  const foreignKey = /alter\s+table\s+(?:only\s+)?(?:if\s+exists\s+)?["`]?([\w."`]+?)["`]?\s+add\s+(?:constraint\s+[\w"`]+\s+)?foreign\s+key\s*\(\s*["`]?(\w+)["`]?\s*\)\s*references\s+([\w."`]+)(?:\s*\([^)]*\))?([^;]*)/gi;
  for (const file of ctx.files(['sql'], [/foreign\s+key/i])) {
    for (const m of file.text.matchAll(foreignKey)) {
      const columns = byName.get(bare(m[1]!))?.columns as SqlColumn[] | undefined;
      const index = columns?.findIndex((c) => c.name === m[2]) ?? -1;
      if (!columns || index < 0 || columns[index]!.references) continue;
      const onDelete = /on\s+delete\s+(cascade|restrict|set\s+null|set\s+default|no\s+action)/i.exec(m[4]!)?.[1]?.toUpperCase().replace(/\s+/g, ' ');
      const column = columns[index]!;
      columns[index] = { ...column, constraints: `${column.constraints} ${m[0]!.slice(m[0]!.search(/references/i))}`, references: { table: bare(m[3]!), onDelete } };
    }
  }
}

function parseTables(file: SourceFile): SqlTable[] {
  const tables: SqlTable[] = [];
  let current: SqlTable | undefined;
  let depth = 0;
  file.lines.forEach((raw, index) => {
    const line = raw.replace(/--.*$/, '');
    const open = /create\s+(?:unlogged\s+|temp(?:orary)?\s+)?table\s+(?:if\s+not\s+exists\s+)?["`]?([\w.]+)["`]?\s*\((.*)$/i.exec(line);
    if (open) {
      current = { file, name: bare(open[1]!), line: index + 1, columns: [], uniques: [] };
      tables.push(current);
      depth = 1 + count(open[2]!, '(') - count(open[2]!, ')');
      if (open[2]!.trim()) addDefinition(current, open[2]!, index + 1);
      if (depth <= 0) current = undefined;
      return;
    }
    if (!current) return;
    const before = depth;
    depth += count(line, '(') - count(line, ')');
    if (before === 1) addDefinition(current, depth <= 0 ? line.slice(0, line.lastIndexOf(')')) : line, index + 1);
    if (depth <= 0) current = undefined;
  });
  return tables;
}

function addDefinition(table: SqlTable, text: string, line: number): void {
  const definition = text.trim().replace(/,$/, '');
  if (!definition) return;
  const constraint = /^(?:constraint\s+[\w"]+\s+)?(unique|primary\s+key)\s*\(([^)]*)\)/i.exec(definition);
  if (constraint) {
    table.uniques.push(columnList(constraint[2]!));
    return;
  }
  if (/^(?:constraint|foreign\s+key|check|exclude|index|key)\b/i.test(definition)) return;
  const column = /^["`]?(\w+)["`]?\s+([a-z]+(?:\s+(?:precision|varying))?(?:\s*\([^)]*\))?(?:\[\])?)(.*)$/i.exec(definition);
  if (!column) return;
  const constraints = column[3]!;
  const ref = /references\s+["`]?([\w.]+)["`]?(?:\s*\([^)]*\))?(?:[^,]*?on\s+delete\s+(cascade|restrict|set\s+null|set\s+default|no\s+action))?/i.exec(constraints);
  const columns = table.columns as SqlColumn[];
  columns.push({ name: column[1]!, type: column[2]!.toUpperCase(), constraints, line, references: ref ? { table: bare(ref[1]!), onDelete: ref[2]?.toUpperCase() } : undefined });
  if (/\b(?:unique|primary\s+key)\b/i.test(constraints)) table.uniques.push([column[1]!]);
}

/** `lower(email), org_id` → ["email", "org_id"]: expressions count as the column they wrap. */
function columnList(text: string): string[] {
  return text.split(',').map((c) => (/(\w+)\s*\)?\s*(?:asc|desc)?\s*$/i.exec(c.replace(/["`]/g, '').trim())?.[1] ?? '').replace(/\)$/, '')).filter(Boolean);
}

function bare(name: string): string {
  return name.replace(/["`]/g, '').split('.').at(-1)!.toLowerCase();
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
