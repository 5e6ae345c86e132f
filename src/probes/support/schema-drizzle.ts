import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, propertyOf, stringValue, ts } from './ast.js';
import { bindings } from './imports.js';
import type { SqlColumn, SqlTable } from './schema-sql.js';

/**
 * Drizzle ORM schemas read into the shape of SQL `CREATE TABLE`s:
 * `export const payments = pgTable('payments', { amount: real('amount').notNull(), userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }) }, (t) => [uniqueIndex('x').on(t.ref)])`,
 * likewise `mysqlTable` / `sqliteTable` (and tables of a `pgSchema(...)` or a `pgTableCreator(...)`).
 * Only builders imported from `drizzle-orm/<dialect>-core` count, so a local `text()` or `real()` helper makes no column.
 * Types are spelled as `schema-sql` spells SQL (`REAL`, `DOUBLE PRECISION`, `NUMERIC`, `TEXT`, `VARCHAR`, `ENUM`);
 * constraints as SQL words (`NOT NULL`, `UNIQUE`, `CHECK`, `REFERENCES users ON DELETE CASCADE`) so the probes
 * reading SQL constraints read these too. A column's name is its database name when given, else its key.
 */
const DRIZZLE_CORE = /^drizzle-orm\/[\w-]+-core$/;
const TABLE_BUILDERS = /^(?:pg|mysql|sqlite|singlestore|gel)Table$/;
const TABLE_CREATORS = /^(?:pg|mysql|sqlite|singlestore|gel)(?:TableCreator|Schema)$/;
const ENUM_BUILDERS = /^(?:pgEnum|mysqlEnum|singlestoreEnum)$/;

/** Drizzle column builder → SQL type. `text('status', { enum: [...] })` is an enum in the application's type and Drizzle's checks. */
const TYPES: Record<string, string> = {
  integer: 'INTEGER',
  int: 'INTEGER',
  smallint: 'SMALLINT',
  tinyint: 'TINYINT',
  mediumint: 'MEDIUMINT',
  bigint: 'BIGINT',
  serial: 'SERIAL',
  smallserial: 'SMALLSERIAL',
  bigserial: 'BIGSERIAL',
  numeric: 'NUMERIC',
  decimal: 'NUMERIC',
  real: 'REAL',
  doublePrecision: 'DOUBLE PRECISION',
  double: 'DOUBLE',
  float: 'FLOAT',
  text: 'TEXT',
  tinytext: 'TEXT',
  mediumtext: 'TEXT',
  longtext: 'TEXT',
  varchar: 'VARCHAR',
  char: 'CHAR',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  datetime: 'TIMESTAMP',
  date: 'DATE',
  time: 'TIME',
  json: 'JSON',
  jsonb: 'JSONB',
  uuid: 'UUID',
  blob: 'BLOB',
  mysqlEnum: 'ENUM',
  singlestoreEnum: 'ENUM',
};

/** A Drizzle table, with the variable it is bound to (`users` in `references(() => users.id)`). */
export interface DrizzleTable extends SqlTable {
  readonly variable?: string;
}

interface FileScope {
  readonly file: SourceFile;
  /** Local name → Drizzle export it stands for (`pgTable`, `real`, `pgTableCreator`...). */
  readonly drizzle: ReadonlyMap<string, string>;
  /** Local names that build tables: imported `pgTable`s, `pgTableCreator(...)` results, `pgSchema(...)` objects. */
  readonly tableBuilders: ReadonlySet<string>;
}

const cache = new WeakMap<ProbeContext, DrizzleTable[]>();

/** Every Drizzle table of the target, read once per audit; a `references(() => users.id)` names the table `users` is bound to. */
export function drizzleTables(ctx: ProbeContext): readonly DrizzleTable[] {
  let tables = cache.get(ctx);
  if (!tables) {
    const files = ctx.scripts([/drizzle-orm\/[\w-]+-core/]);
    const scopes = files.map((file) => scopeOf(ctx, file)).filter((s) => s.drizzle.size > 0);
    const enums = new Set(scopes.flatMap((scope) => enumVariables(ctx, scope)));
    const raw = scopes.flatMap((scope) => tablesOf(ctx, scope, enums));
    // `references(() => users.id)` names a variable: the table it holds is the parent.
    const byVariable = new Map(raw.flatMap((t) => (t.variable ? [[t.variable, t.name] as const] : [])));
    tables = raw.map((table) => ({ ...table, columns: table.columns.map((c) => (c.references ? { ...c, references: { ...c.references, table: byVariable.get(c.references.table) ?? c.references.table.toLowerCase() } } : c)) }));
    cache.set(ctx, tables);
  }
  return tables;
}

function scopeOf(ctx: ProbeContext, file: SourceFile): FileScope {
  const drizzle = bindings(ctx.ast(file), DRIZZLE_CORE).named;
  const tableBuilders = new Set([...drizzle].filter(([, exported]) => TABLE_BUILDERS.test(exported)).map(([local]) => local));
  for (const decl of ctx.nodesOf<ts.VariableDeclaration>(file, ts.SyntaxKind.VariableDeclaration)) {
    const init = decl.initializer;
    if (ts.isIdentifier(decl.name) && init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && TABLE_CREATORS.test(drizzle.get(init.expression.text) ?? '')) tableBuilders.add(decl.name.text);
  }
  return { file, drizzle, tableBuilders };
}

/** `export const statusEnum = pgEnum('status', [...])` → "statusEnum": a column built from it is an enum. */
function enumVariables(ctx: ProbeContext, scope: FileScope): string[] {
  return ctx.nodesOf<ts.VariableDeclaration>(scope.file, ts.SyntaxKind.VariableDeclaration).flatMap((decl) => {
    const init = decl.initializer;
    const isEnum = init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && ENUM_BUILDERS.test(scope.drizzle.get(init.expression.text) ?? '');
    return isEnum && ts.isIdentifier(decl.name) ? [decl.name.text] : [];
  });
}

function tablesOf(ctx: ProbeContext, scope: FileScope, enums: ReadonlySet<string>): DrizzleTable[] {
  return ctx.calls(scope.file).flatMap((call) => {
    if (!isTableCall(scope, call)) return [];
    const name = stringValue(call.arguments[0]);
    const columns = columnsObject(call.arguments[1]);
    if (!name || !columns) return [];
    const table = tableFrom(scope, call, name, columns.object, columns.builder, enums);
    return table.columns.length > 0 ? [table] : [];
  });
}

/** `pgTable(...)`, `createTable(...)` from `pgTableCreator`, `mySchema.table(...)` from `pgSchema`. */
function isTableCall(scope: FileScope, call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return scope.tableBuilders.has(callee.text);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'table' && ts.isIdentifier(callee.expression) && scope.tableBuilders.has(callee.expression.text);
}

/** The columns object, written directly or returned by `(t) => ({ id: t.integer() })`, with that builder parameter's name. */
function columnsObject(node: ts.Expression | undefined): { object: ts.ObjectLiteralExpression; builder?: string } | undefined {
  if (!node) return undefined;
  if (ts.isObjectLiteralExpression(node)) return { object: node };
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return undefined;
  const body = returned(node);
  const param = node.parameters[0]?.name;
  return body && ts.isObjectLiteralExpression(body) ? { object: body, builder: param && ts.isIdentifier(param) ? param.text : undefined } : undefined;
}

function tableFrom(scope: FileScope, call: ts.CallExpression, name: string, object: ts.ObjectLiteralExpression, builder: string | undefined, enums: ReadonlySet<string>): DrizzleTable {
  const columns: SqlColumn[] = [];
  const uniques: string[][] = [];
  const keys = new Map<string, string>();
  for (const prop of object.properties) {
    if (!ts.isPropertyAssignment(prop) || !(ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) continue;
    const column = columnOf(scope, prop.name.text, prop.initializer, lineOf(prop), builder, enums);
    if (!column) continue;
    columns.push(column);
    keys.set(prop.name.text, column.name);
    if (/\b(?:UNIQUE|PRIMARY KEY)\b/.test(column.constraints)) uniques.push([column.name]);
  }
  const checked = readExtraConfig(call.arguments[2], keys, uniques);
  const withChecks = columns.map((c) => (checked.has(c.name) && !/\bCHECK\b/.test(c.constraints) ? { ...c, constraints: `${c.constraints} CHECK`.trim() } : c));
  const parent = call.parent;
  const variable = ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : undefined;
  return { file: scope.file, name: name.toLowerCase(), line: lineOf(call), columns: withChecks, uniques, variable };
}

/** `text('email').notNull().unique()`: the innermost call is the type, the calls around it its constraints. */
function columnOf(scope: FileScope, key: string, value: ts.Expression, line: number, builder: string | undefined, enums: ReadonlySet<string>): SqlColumn | undefined {
  const modifiers: ts.CallExpression[] = [];
  let node: ts.Expression = value;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && !(builder && node.expression.expression.getText() === builder)) {
    modifiers.unshift(node);
    node = node.expression.expression;
  }
  if (!ts.isCallExpression(node)) return undefined;
  const type = typeOf(scope, node, builder, enums);
  if (!type) return undefined;
  const name = stringValue(node.arguments[0]) ?? key;
  const words: string[] = [];
  const options = node.arguments.find(ts.isObjectLiteralExpression);
  if (type === 'ENUM' || (options && propertyOf(options, 'enum'))) words.push('CHECK');
  let references: SqlColumn['references'];
  for (const modifier of modifiers) {
    const method = (modifier.expression as ts.PropertyAccessExpression).name.text;
    if (method === 'notNull') words.push('NOT NULL');
    else if (method === 'primaryKey') words.push('PRIMARY KEY');
    else if (method === 'unique') words.push('UNIQUE');
    else if (method === 'references') references = referenceOf(modifier);
  }
  if (references) words.push(`REFERENCES ${references.table}${references.onDelete ? ` ON DELETE ${references.onDelete}` : ''}`);
  return { name, type, constraints: words.join(' '), line, references };
}

function typeOf(scope: FileScope, call: ts.CallExpression, builder: string | undefined, enums: ReadonlySet<string>): string | undefined {
  const callee = call.expression;
  if (builder && ts.isPropertyAccessExpression(callee) && callee.expression.getText() === builder) return TYPES[callee.name.text];
  if (!ts.isIdentifier(callee)) return undefined;
  if (enums.has(callee.text)) return 'ENUM';
  const exported = scope.drizzle.get(callee.text);
  return exported ? TYPES[exported] : undefined;
}

/** `.references(() => users.id, { onDelete: 'cascade' })` → users (a variable, resolved to its table later), CASCADE. */
function referenceOf(call: ts.CallExpression): SqlColumn['references'] {
  const [target, options] = call.arguments;
  const body = target && (ts.isArrowFunction(target) || ts.isFunctionExpression(target)) ? returned(target) : undefined;
  if (!body || !ts.isPropertyAccessExpression(body)) return undefined;
  const onDelete = options && ts.isObjectLiteralExpression(options) ? stringValue(propertyOf(options, 'onDelete'))?.toUpperCase().replace(/\s+/g, ' ') : undefined;
  return { table: body.expression.getText().split('.').at(-1)!, onDelete };
}

/**
 * The third argument, `(t) => [uniqueIndex('x').on(t.email), unique().on(t.orgId, t.number), primaryKey({ columns: [t.a, t.b] }), check('c', sql`${t.status} in (...)`)]`
 * (or the older object form): adds its uniques and returns the columns a check names.
 */
function readExtraConfig(node: ts.Expression | undefined, keys: ReadonlyMap<string, string>, uniques: string[][]): Set<string> {
  const checked = new Set<string>();
  if (!node || !(ts.isArrowFunction(node) || ts.isFunctionExpression(node))) return checked;
  const param = node.parameters[0]?.name;
  const table = param && ts.isIdentifier(param) ? param.text : undefined;
  const body = returned(node);
  if (!table || !body) return checked;
  const entries = ts.isArrayLiteralExpression(body) ? [...body.elements] : ts.isObjectLiteralExpression(body) ? body.properties.flatMap((p) => (ts.isPropertyAssignment(p) ? [p.initializer] : [])) : [];
  const columnsIn = (n: ts.Node): string[] => {
    const found: string[] = [];
    const visit = (child: ts.Node): void => {
      if (ts.isPropertyAccessExpression(child) && child.expression.getText() === table) found.push(keys.get(child.name.text) ?? child.name.text);
      ts.forEachChild(child, visit);
    };
    visit(n);
    return found;
  };
  for (const entry of entries) {
    const root = rootCallName(entry);
    if (root === 'uniqueIndex' || root === 'unique' || root === 'primaryKey') uniques.push(columnsIn(entry));
    else if (root === 'check') for (const c of columnsIn(entry)) checked.add(c);
  }
  return checked;
}

/** `uniqueIndex('x').on(t.a).where(...)` → "uniqueIndex". */
function rootCallName(node: ts.Expression): string | undefined {
  let current: ts.Expression = node;
  while (ts.isCallExpression(current) || ts.isPropertyAccessExpression(current)) {
    if (ts.isCallExpression(current) && ts.isIdentifier(current.expression)) return current.expression.text;
    current = current.expression;
  }
  return undefined;
}

function returned(fn: ts.ArrowFunction | ts.FunctionExpression): ts.Expression | undefined {
  let body: ts.Node = fn.body;
  if (ts.isBlock(body)) body = body.statements.find(ts.isReturnStatement)?.expression ?? body;
  while (ts.isParenthesizedExpression(body)) body = body.expression;
  return ts.isBlock(body) ? undefined : (body as ts.Expression);
}
