import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, stringValue, ts } from './ast.js';
import type { SqlColumn, SqlTable } from './schema-sql.js';

/**
 * Knex schema builder migrations read into the same shape as SQL `CREATE TABLE`s:
 * `knex.schema.createTable('orders', (t) => { t.decimal('total', 12, 2).notNullable(); t.integer('user_id').references('users.id').onDelete('CASCADE'); t.unique(['email']) })`,
 * and `alterTable` / `table` adding columns, uniques and foreign keys later. Columns keep the line of their
 * builder call; constraints are written out as SQL words (`NOT NULL`, `UNIQUE`, `CHECK`, `REFERENCES x ON
 * DELETE CASCADE`) so probes that read SQL constraints read these too.
 */
const TABLE_CALLS = new Set(['createTable', 'createTableIfNotExists', 'alterTable', 'table']);

/** Builder method → SQL type as `schema-sql` spells it. */
const TYPES: Record<string, (args: readonly ts.Expression[]) => string> = {
  increments: () => 'SERIAL',
  bigIncrements: () => 'BIGSERIAL',
  integer: () => 'INTEGER',
  bigInteger: () => 'BIGINT',
  bigint: () => 'BIGINT',
  tinyint: () => 'TINYINT',
  smallint: () => 'SMALLINT',
  mediumint: () => 'MEDIUMINT',
  text: () => 'TEXT',
  string: (args) => `VARCHAR(${numberArg(args[1]) ?? '255'})`,
  float: () => 'FLOAT',
  double: () => 'DOUBLE PRECISION',
  decimal: (args) => `NUMERIC(${numberArg(args[1]) ?? '8'},${numberArg(args[2]) ?? '2'})`,
  boolean: () => 'BOOLEAN',
  date: () => 'DATE',
  datetime: () => 'TIMESTAMP',
  dateTime: () => 'TIMESTAMP',
  time: () => 'TIME',
  timestamp: () => 'TIMESTAMP',
  binary: () => 'BYTEA',
  json: () => 'JSON',
  jsonb: () => 'JSONB',
  uuid: () => 'UUID',
  enu: () => 'ENUM',
  enum: () => 'ENUM',
  specificType: (args) => (stringValue(args[1]) ?? 'UNKNOWN').toUpperCase(),
};

interface Link {
  readonly method: string;
  readonly args: readonly ts.Expression[];
}

/** A knex table: its columns and uniques, and whether it was created (not altered) here. */
export interface KnexTable extends SqlTable {
  readonly created: boolean;
}

const cache = new WeakMap<ProbeContext, KnexTable[]>();

/** Every table the target's Knex migrations create or alter, read once per audit. */
export function knexTables(ctx: ProbeContext): readonly KnexTable[] {
  let tables = cache.get(ctx);
  if (!tables) {
    tables = ctx.scripts([/\.(?:createTable|createTableIfNotExists|alterTable|table)\(/]).flatMap((file) => {
      if (!/\bschema\b/.test(file.text)) return [];
      return ctx.calls(file).flatMap((call) => tableOf(file, call) ?? []);
    });
    cache.set(ctx, tables);
  }
  return tables;
}

function tableOf(file: SourceFile, call: ts.CallExpression): KnexTable | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !TABLE_CALLS.has(callee.name.text)) return undefined;
  // `knex.schema.createTable(...)`, `knex.schema.withSchema('x').createTable(...)`, chained `.createTable(...).createTable(...)`.
  if (!/\bschema\b/.test(callee.expression.getText())) return undefined;
  const name = stringValue(call.arguments[0]);
  const builder = call.arguments[1];
  if (!name || !builder || !(ts.isArrowFunction(builder) || ts.isFunctionExpression(builder))) return undefined;
  const param = builder.parameters[0]?.name;
  if (!param || !ts.isIdentifier(param)) return undefined;
  const table: KnexTable = { file, name: name.split('.').at(-1)!.toLowerCase(), line: lineOf(call), columns: [], uniques: [], created: callee.name.text.startsWith('create') };
  const columns = table.columns as SqlColumn[];
  const visit = (node: ts.Node): void => {
    if (ts.isExpressionStatement(node) || (ts.isArrowFunction(builder) && node === builder.body && !ts.isBlock(node))) {
      const expression = ts.isExpressionStatement(node) ? node.expression : (node as ts.Expression);
      const chain = chainOf(expression, param.text);
      if (chain) addChain(table, columns, chain, lineOf(expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(builder.body);
  return table;
}

/** `t.integer('a').notNullable().references('b')` → [integer('a'), notNullable(), references('b')], when rooted at `t`. */
function chainOf(expression: ts.Expression, root: string): Link[] | undefined {
  const links: Link[] = [];
  let node: ts.Expression = expression;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    links.unshift({ method: node.expression.name.text, args: node.arguments });
    node = node.expression.expression;
  }
  return ts.isIdentifier(node) && node.text === root && links.length > 0 ? links : undefined;
}

function addChain(table: KnexTable, columns: SqlColumn[], chain: Link[], line: number): void {
  const [head, ...rest] = chain as [Link, ...Link[]];
  const list = (arg: ts.Expression | undefined): string[] => (arg && ts.isArrayLiteralExpression(arg) ? arg.elements.map((e) => stringValue(e) ?? '').filter(Boolean) : [stringValue(arg) ?? ''].filter(Boolean));
  if (head.method === 'unique' || head.method === 'primary') {
    table.uniques.push(list(head.args[0]));
    return;
  }
  if (head.method === 'foreign') {
    // `t.foreign('user_id').references('users.id').onDelete('CASCADE')`: the key of a column declared earlier.
    const [column] = list(head.args[0]);
    const references = referenceOf(rest);
    const at = columns.findIndex((c) => c.name === column);
    if (!column || !references) return;
    const constraints = `REFERENCES ${references.table}${references.onDelete ? ` ON DELETE ${references.onDelete}` : ''}`;
    if (at >= 0) columns[at] = { ...columns[at]!, references, constraints: `${columns[at]!.constraints} ${constraints}`.trim() };
    else columns.push({ name: column, type: 'INTEGER', constraints, line, references });
    return;
  }
  if (head.method === 'timestamps') {
    for (const name of ['created_at', 'updated_at']) columns.push({ name, type: 'TIMESTAMP', constraints: '', line });
    return;
  }
  const type = TYPES[head.method];
  const name = stringValue(head.args[0]);
  if (!type || !name) return;
  const words: string[] = [];
  const modifiers = new Set(rest.map((l) => l.method));
  if (modifiers.has('notNullable') || head.method === 'increments' || head.method === 'bigIncrements') words.push('NOT NULL');
  if (modifiers.has('primary') || head.method === 'increments' || head.method === 'bigIncrements') words.push('PRIMARY KEY');
  if (modifiers.has('unique')) words.push('UNIQUE');
  if (head.method === 'enu' || head.method === 'enum' || [...modifiers].some((m) => /^check(?:In|Between|Positive|Negative|Regex)?$/.test(m))) words.push('CHECK');
  const defaulted = rest.find((l) => l.method === 'defaultTo');
  if (defaulted) words.push(`DEFAULT ${defaulted.args[0]?.getText() ?? ''}`);
  const references = referenceOf(rest);
  if (references) words.push(`REFERENCES ${references.table}${references.onDelete ? ` ON DELETE ${references.onDelete}` : ''}`);
  columns.push({ name, type: type(head.args), constraints: words.join(' '), line, references });
  if (words.includes('UNIQUE') || words.includes('PRIMARY KEY')) table.uniques.push([name]);
}

/** `.references('users.id')`, `.references('id').inTable('users')`, with `.onDelete('CASCADE')`. */
function referenceOf(chain: readonly Link[]): { table: string; onDelete?: string } | undefined {
  const ref = chain.find((l) => l.method === 'references');
  if (!ref) return undefined;
  const target = stringValue(ref.args[0]) ?? '';
  const inTable = stringValue(chain.find((l) => l.method === 'inTable')?.args[0]);
  const table = (inTable ?? (target.includes('.') ? target.split('.').slice(0, -1).join('.') : target)).split('.').at(-1)!.toLowerCase();
  const onDelete = stringValue(chain.find((l) => l.method === 'onDelete')?.args[0])?.toUpperCase().replace(/\s+/g, ' ');
  return table ? { table, onDelete } : undefined;
}

function numberArg(node: ts.Expression | undefined): string | undefined {
  return node && ts.isNumericLiteral(node) ? node.text : undefined;
}
