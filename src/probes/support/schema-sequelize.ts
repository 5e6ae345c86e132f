import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, propertyOf, stringValue, ts } from './ast.js';
import type { SqlColumn, SqlTable } from './schema-sql.js';

/**
 * Sequelize schemas read into the shape of SQL `CREATE TABLE`s, from the four places they are written:
 * `sequelize.define('Payment', { amount: DataTypes.FLOAT })`, `class Payment extends Model {}` with
 * `Payment.init({ ... }, { sequelize })`, and sequelize-cli migrations
 * `queryInterface.createTable('payments', { order_id: { type: Sequelize.INTEGER, references: { model: 'orders' }, onDelete: 'CASCADE' } })`
 * and `queryInterface.addColumn('payments', 'fee', Sequelize.DOUBLE)`.
 * A type keeps Sequelize's own upper-case name (`FLOAT`, `DOUBLE`, `REAL`, `DECIMAL`); models are named as
 * declared (`Payment`), migration tables as created (`payments`).
 *
 * Associations carry cascades too: `Order.hasMany(Payment, { onDelete: 'CASCADE' })` and
 * `Payment.belongsTo(Order, { onDelete: 'CASCADE' })` both make deleting an order delete its payments.
 */
export interface SequelizeCascade {
  readonly file: SourceFile;
  readonly line: number;
  readonly child: string;
  readonly parent: string;
}

/** `DataTypes.FLOAT`, `Sequelize.DOUBLE(10, 2)`, `Sequelize.DataTypes.REAL`, `DataType.FLOAT` → the type name. */
const TYPE_ROOT = /^(?:DataTypes?|Sequelize(?:\.DataTypes)?)$/;

const tableCache = new WeakMap<ProbeContext, SqlTable[]>();
const cascadeCache = new WeakMap<ProbeContext, SequelizeCascade[]>();

/** Every Sequelize model and sequelize-cli migration table of the target, read once per audit. */
export function sequelizeTables(ctx: ProbeContext): readonly SqlTable[] {
  let tables = tableCache.get(ctx);
  if (!tables) {
    tables = ctx.scripts(['.define(', '.init(', '.createTable(', '.addColumn(']).flatMap((file) => {
      if (!/DataTypes?\b|Sequelize\b/.test(file.text)) return [];
      return ctx.calls(file).flatMap((call) => tableOf(file, call) ?? []);
    });
    tableCache.set(ctx, tables);
  }
  return tables;
}

/** Cascading associations between Sequelize models: child rows deleted with their parent. */
export function sequelizeCascades(ctx: ProbeContext): readonly SequelizeCascade[] {
  let cascades = cascadeCache.get(ctx);
  if (!cascades) {
    cascades = ctx.scripts(['.hasMany(', '.hasOne(', '.belongsTo(']).flatMap((file) => {
      if (!/onDelete/.test(file.text)) return [];
      return ctx.calls(file).flatMap((call) => cascadeOf(file, call) ?? []);
    });
    cascadeCache.set(ctx, cascades);
  }
  return cascades;
}

function tableOf(file: SourceFile, call: ts.CallExpression): SqlTable | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const args = call.arguments;
  if (method === 'define' || method === 'createTable') {
    const name = stringValue(args[0]);
    const attributes = args[1];
    if (!name || !attributes || !ts.isObjectLiteralExpression(attributes)) return undefined;
    return tableFrom(file, call, name, attributes);
  }
  if (method === 'init' && ts.isIdentifier(callee.expression)) {
    // `Payment.init({ ... }, { sequelize, tableName })`: the options name the connection, which tells it from other `init`s.
    const [attributes, options] = args;
    if (!attributes || !ts.isObjectLiteralExpression(attributes) || !options || !ts.isObjectLiteralExpression(options) || !propertyOf(options, 'sequelize')) return undefined;
    return tableFrom(file, call, callee.expression.text, attributes);
  }
  if (method === 'addColumn') {
    const [table, column, definition] = args;
    const tableName = stringValue(table);
    const columnName = stringValue(column);
    const parsed = definition && columnOf(columnName ?? '', definition, lineOf(call));
    if (!tableName || !columnName || !parsed) return undefined;
    return { file, name: tableName, line: lineOf(call), columns: [parsed], uniques: [] };
  }
  return undefined;
}

function tableFrom(file: SourceFile, call: ts.CallExpression, name: string, attributes: ts.ObjectLiteralExpression): SqlTable | undefined {
  const columns: SqlColumn[] = [];
  const uniques: string[][] = [];
  for (const prop of attributes.properties) {
    if (!ts.isPropertyAssignment(prop) || !(ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) continue;
    const column = columnOf(prop.name.text, prop.initializer, lineOf(prop));
    if (!column) continue;
    columns.push(column);
    if (/\b(?:UNIQUE|PRIMARY KEY)\b/.test(column.constraints)) uniques.push([column.name]);
  }
  // Attributes that are not Sequelize types (a `define` of something else) make no table.
  return columns.length > 0 ? { file, name, line: lineOf(call), columns, uniques } : undefined;
}

/** `Sequelize.FLOAT` or `{ type: Sequelize.FLOAT, allowNull: false, references: { model: 'orders' }, onDelete: 'CASCADE' }`. */
function columnOf(name: string, value: ts.Expression, line: number): SqlColumn | undefined {
  const bare = typeName(value);
  if (bare) return { name, type: bare, constraints: '', line };
  if (!ts.isObjectLiteralExpression(value)) return undefined;
  const type = typeName(propertyOf(value, 'type'));
  if (!type) return undefined;
  const words: string[] = [];
  if (propertyOf(value, 'allowNull')?.kind === ts.SyntaxKind.FalseKeyword) words.push('NOT NULL');
  if (propertyOf(value, 'primaryKey')?.kind === ts.SyntaxKind.TrueKeyword) words.push('PRIMARY KEY');
  const unique = propertyOf(value, 'unique');
  if (unique && unique.kind !== ts.SyntaxKind.FalseKeyword) words.push('UNIQUE');
  if (type === 'ENUM' || propertyOf(value, 'validate')) words.push('CHECK');
  const references = referenceOf(value);
  if (references) words.push(`REFERENCES ${references.table}${references.onDelete ? ` ON DELETE ${references.onDelete}` : ''}`);
  return { name, type, constraints: words.join(' '), line, references };
}

/** `references: { model: 'orders', key: 'id' }` (or `model: { tableName: 'orders' }`) with a sibling `onDelete`. */
function referenceOf(column: ts.ObjectLiteralExpression): SqlColumn['references'] {
  const references = propertyOf(column, 'references');
  if (!references || !ts.isObjectLiteralExpression(references)) return undefined;
  const model = propertyOf(references, 'model');
  const table = stringValue(model) ?? (model && ts.isObjectLiteralExpression(model) ? stringValue(propertyOf(model, 'tableName')) : undefined) ?? (model && ts.isIdentifier(model) ? model.text : undefined);
  const onDelete = stringValue(propertyOf(column, 'onDelete'))?.toUpperCase().replace(/\s+/g, ' ');
  return table ? { table: table.toLowerCase(), onDelete } : undefined;
}

/** `DataTypes.FLOAT`, `DataTypes.FLOAT(10, 2)`, `Sequelize.DataTypes.DOUBLE` → FLOAT, FLOAT, DOUBLE. */
function typeName(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  const access = ts.isCallExpression(node) ? node.expression : node;
  if (!ts.isPropertyAccessExpression(access) || !TYPE_ROOT.test(access.expression.getText())) return undefined;
  const type = access.name.text;
  return /^[A-Z][A-Z0-9_]*$/.test(type) ? type : undefined;
}

/** `Order.hasMany(Payment, { onDelete: 'CASCADE' })` → Payment under Order; `Payment.belongsTo(Order, {...})` likewise. */
function cascadeOf(file: SourceFile, call: ts.CallExpression): SequelizeCascade | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return undefined;
  const [target, options] = call.arguments;
  if (!target || !ts.isIdentifier(target) || !options || !ts.isObjectLiteralExpression(options)) return undefined;
  if (stringValue(propertyOf(options, 'onDelete'))?.toUpperCase() !== 'CASCADE') return undefined;
  const self = callee.expression.text;
  const method = callee.name.text;
  if (method === 'hasMany' || method === 'hasOne') return { file, line: lineOf(call), child: target.text, parent: self };
  if (method === 'belongsTo') return { file, line: lineOf(call), child: self, parent: target.text };
  return undefined;
}
