import type { ProbeContext } from '../context.js';
import type { SourceFile } from '../../repo/view.js';
import { calleeName, propertyOf, stringValue, ts } from './ast.js';
import { knexTables } from './schema-knex.js';

/** A persisted model and the names of its fields, whichever ORM declared it. */
export interface Model {
  readonly name: string;
  readonly fields: readonly string[];
  readonly file: SourceFile;
}

const cache = new WeakMap<ProbeContext, Map<string, Model>>();

/**
 * Models declared in the target, keyed by lower-cased name: Prisma `model X {}` blocks, Mongoose
 * `model('X', new Schema({...}))`, and TypeORM `@Entity() class X {}`. Parsed once per audit.
 */
export function declaredModels(ctx: ProbeContext): ReadonlyMap<string, Model> {
  let models = cache.get(ctx);
  if (models) return models;
  models = new Map();
  for (const file of ctx.files(['prisma'])) {
    for (const match of file.text.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
      const fields = [...match[2]!.matchAll(/^\s+(\w+)\s/gm)].map((m) => m[1]!);
      models.set(match[1]!.toLowerCase(), { name: match[1]!, fields, file });
    }
  }
  for (const file of ctx.scripts([/new\s+(?:mongoose\.)?Schema\(|@Entity\(/])) {
    const sf = ctx.ast(file);
    const schemas = new Map<string, ts.ObjectLiteralExpression>();
    for (const node of ctx.nodesOf<ts.VariableDeclaration>(file, ts.SyntaxKind.VariableDeclaration)) {
      const init = node.initializer;
      if (init && ts.isNewExpression(init) && /Schema$/.test(calleeName(init)) && init.arguments?.[0] && ts.isObjectLiteralExpression(init.arguments[0])) schemas.set(node.name.getText(), init.arguments[0]);
    }
    for (const call of ctx.calls(file)) {
      const name = stringValue(call.arguments[0]);
      const schema = call.arguments[1];
      if (!name || !/(?:^|\.)model$/.test(calleeName(call)) || !schema) continue;
      const obj = ts.isIdentifier(schema) ? schemas.get(schema.text) : ts.isNewExpression(schema) && schema.arguments?.[0] && ts.isObjectLiteralExpression(schema.arguments[0]) ? schema.arguments[0] : undefined;
      if (obj) models.set(name.toLowerCase(), { name, fields: obj.properties.map((p) => p.name?.getText().replace(/['"]/g, '') ?? '').filter(Boolean), file });
    }
    for (const cls of sf.statements.filter(ts.isClassDeclaration)) {
      const entity = (ts.getDecorators(cls) ?? []).some((d) => /^Entity\b/.test(d.expression.getText()));
      if (entity && cls.name) models.set(cls.name.text.toLowerCase(), { name: cls.name.text, fields: cls.members.filter(ts.isPropertyDeclaration).map((m) => m.name.getText()), file });
    }
  }
  // Objection: `class Order extends Model { static get tableName() { return 'orders' } static get jsonSchema() {...} }`,
  // its fields from the JSON schema's properties and from the Knex migration that creates its table.
  const tables = new Map<string, string[]>();
  for (const table of knexTables(ctx)) tables.set(table.name, [...(tables.get(table.name) ?? []), ...table.columns.map((c) => c.name)]);
  for (const file of ctx.scripts(['tableName'])) {
    for (const cls of ctx.nodesOf<ts.ClassDeclaration>(file, ts.SyntaxKind.ClassDeclaration)) {
      const table = objectionTable(cls);
      if (!cls.name || table === undefined) continue;
      const fields = [...new Set([...jsonSchemaFields(cls), ...(tables.get(table.toLowerCase()) ?? [])])];
      const model = { name: cls.name.text, fields, file };
      models.set(cls.name.text.toLowerCase(), model);
      if (!models.has(table.toLowerCase())) models.set(table.toLowerCase(), model);
    }
  }
  // Knex tables no model class describes: `knex('orders')` queries name them directly.
  for (const table of knexTables(ctx)) {
    if (!table.created || models.has(table.name) || models.has(table.name.replace(/s$/, ''))) continue;
    models.set(table.name, { name: table.name, fields: tables.get(table.name) ?? [], file: table.file });
  }
  cache.set(ctx, models);
  return models;
}

/** The table of an Objection model: `static tableName = 'orders'` or `static get tableName() { return 'orders' }`. */
export function objectionTable(cls: ts.ClassLikeDeclaration): string | undefined {
  if (!cls.heritageClauses?.some((h) => h.types.some((t) => /Model$/.test(t.expression.getText())))) return undefined;
  for (const member of cls.members) {
    if (member.name?.getText() !== 'tableName' || !(ts.canHaveModifiers(member) && ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword))) continue;
    if (ts.isPropertyDeclaration(member)) return stringValue(member.initializer);
    if (ts.isGetAccessorDeclaration(member) && member.body) return stringValue(member.body.statements.find(ts.isReturnStatement)?.expression);
  }
  return undefined;
}

/** Property names of an Objection model's `jsonSchema` (getter or static property). */
function jsonSchemaFields(cls: ts.ClassLikeDeclaration): string[] {
  const member = cls.members.find((m) => m.name?.getText() === 'jsonSchema');
  if (!member) return [];
  const schema = ts.isPropertyDeclaration(member) ? member.initializer : ts.isGetAccessorDeclaration(member) ? member.body?.statements.find(ts.isReturnStatement)?.expression : undefined;
  if (!schema || !ts.isObjectLiteralExpression(schema)) return [];
  const properties = propertyOf(schema, 'properties');
  return properties && ts.isObjectLiteralExpression(properties) ? properties.properties.map((p) => p.name?.getText().replace(/['"]/g, '') ?? '').filter(Boolean) : [];
}

/** The model a query targets, from its receiver: `prisma.user`, `User`, `this.userRepository`, `getRepository(User)`. */
export function modelOf(ctx: ProbeContext, receiver: ts.Expression): Model | undefined {
  const target = queryChainTarget(receiver) ?? (ts.isCallExpression(receiver) ? (receiver.arguments[0]?.getText().replace(/['"`]/g, '') ?? '') : receiver.getText());
  const base = (/[\w$]+$/.exec(target)?.[0] ?? '').replace(/(?:Repo|Repository|Model|Collection)$/i, '').toLowerCase();
  const models = declaredModels(ctx);
  return models.get(base) ?? models.get(base.replace(/e?s$/, '')) ?? models.get(base.replace(/s$/, ''));
}

/**
 * The model or table an Objection or Knex query chain starts from: `Order.query().findById(id)` → "Order",
 * `order.$query()` → "order", `Order.relatedQuery('items')` → "Order", `knex('orders').where(…)` /
 * `trx('orders')` → "orders". Undefined when the expression is not such a chain.
 */
export function queryChainTarget(expr: ts.Expression): string | undefined {
  let node: ts.Expression = expr;
  while (ts.isCallExpression(node) || ts.isPropertyAccessExpression(node) || ts.isNonNullExpression(node) || ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node)) {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && /^(?:query|\$query|relatedQuery|\$relatedQuery)$/.test(callee.name.text)) return callee.expression.getText().split('.').at(-1);
      if (ts.isIdentifier(callee) && /^(?:knex|db|trx|database|pg|sql|k)$/i.test(callee.text)) return stringValue(node.arguments[0]);
    }
    node = node.expression;
  }
  return undefined;
}
