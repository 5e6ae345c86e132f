import type { ProbeContext } from '../context.js';
import { requestHandlers, selfAccountDelete } from '../support/data-access.js';
import { expressionName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { declaredModels, queryChainTarget } from '../support/models.js';
import { prismaModels } from '../support/prisma.js';
import { mongooseSchemas } from '../support/schema-mongoose.js';
import { sqlTables } from '../support/schema-sql.js';
import { typeormEntities } from '../support/schema-typeorm.js';
import { defineProbe, type Hit } from '../types.js';

/** A delete that the ORM or a plugin turns into an update: `delete` is then already a soft delete. */
const SOFT_DELETE_LAYER = /mongoose-delete|objection-soft-delete|paranoid\s*:\s*true|prisma-soft-delete|params\.action\s*===?\s*['"]delete(?:Many)?['"]|\$extends\([^]*?\bdelete(?:Many)?\s*\([^]*?deletedAt/;
const SOFT_DELETE_FIELD = /^(?:deletedAt|deleted_at|deleted|isDeleted|is_deleted|archivedAt|archived_at|discardedAt|discarded_at|trashedAt|removedAt|removed_at)$/;
/** Rows that are meant to be removed for good: credentials, toggles, caches and join rows. */
const DISPOSABLE = /session|token|otp|nonce|verification|cache|lock|like|reaction|follow|bookmark|favou?rite|star|vote|cart|notification|invit|device|push|subscription|webhook|api_?key|attempt|temp|tmp|membership|logout|typing|presence/i;
const MONGOOSE_DELETES = new Set(['deleteOne', 'deleteMany', 'findByIdAndDelete', 'findOneAndDelete', 'findByIdAndRemove', 'findOneAndRemove']);

export default defineProbe({
  meta: {
    id: 'hard-delete-without-soft-delete',
    title: 'Request handler destroys records for good',
    category: 'Human Error',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'Code reachable from a request (a route, a server action, or a service method a route calls) permanently deletes business records (Prisma delete/deleteMany, TypeORM delete/remove, Sequelize destroy, Mongoose deleteOne/deleteMany, Objection delete/deleteById, SQL DELETE FROM), either on a model with no soft-delete column or bypassing the one it has (a Sequelize `paranoid` model destroyed with `force: true`).',
    impact: 'A mistaken click, a buggy client or a compromised account erases data that support cannot restore short of a full database restore, which also rolls back everyone else’s changes.',
    remediation: 'Add a deletedAt (or archivedAt) column, set it in the handler, filter it out of reads, and purge old soft-deleted rows on a schedule that matches your retention policy; keep hard deletes for disposable rows.',
    effort: 'days',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    const layered = ctx.scripts([/paranoid|mongoose-delete|soft-delete|params\.action/]).filter((file) => SOFT_DELETE_LAYER.test(file.text));
    // Sequelize's `paranoid: true` makes destroy() soft for that model only, and `force: true` overrides it.
    const paranoid = layered.length > 0 && layered.every((file) => PARANOID_ONLY.test(file.text) && !SOFT_DELETE_LAYER.test(file.text.replace(/paranoid\s*:\s*true/g, ''))) ? paranoidModels(ctx) : undefined;
    if (layered.length > 0 && !paranoid) return [];
    const models = softDeleteModels(ctx);
    const hits: Hit[] = [];
    const seen = new Set<ts.Node>();
    for (const handler of requestHandlers(ctx)) {
      for (const node of findNodes(handler.body, (n): n is ts.Node => ts.isCallExpression(n) || isSqlText(n))) {
        if (seen.has(node)) continue;
        seen.add(node);
        const entity = ts.isCallExpression(node) ? deletedEntity(node, handler.file.text) : /^\s*delete\s+from\s+["`]?([\w.]+)/i.exec(sqlText(node))?.[1];
        if (!entity || DISPOSABLE.test(entity) || models.ephemeral.has(key(entity))) continue;
        if (ts.isCallExpression(node) && (purgesRetired(node) || selfAccountDelete(node, entity))) continue;
        // A paranoid model's destroy() is already soft, unless forced: that bypasses the soft delete.
        if (paranoid?.has(key(entity))) {
          if (!(ts.isCallExpression(node) && forced(node))) continue;
          models.soft.add(key(entity));
        }
        const name = entity.replace(/Repo(?:sitory)?$/i, '');
        const bypass = models.soft.has(key(entity));
        hits.push({ file: handler.file, line: lineOf(node), message: bypass ? `${name} has a soft-delete column, but this deletes the rows for good: a mistaken delete cannot be undone.` : `This permanently deletes ${name} rows and ${name} has no soft-delete column: a mistaken delete cannot be undone.` });
      }
    }
    return hits;
  },
});

const PARANOID_ONLY = /paranoid\s*:\s*true/;

/** Sequelize models declared `paranoid: true`: `sequelize.define('Name', attrs, { paranoid: true })` or `Name.init(attrs, { paranoid: true })`. */
function paranoidModels(ctx: ProbeContext): Set<string> {
  const names = new Set<string>();
  for (const file of ctx.scripts([PARANOID_ONLY])) {
    for (const call of ctx.calls(file)) {
      const callee = call.expression;
      if (!ts.isPropertyAccessExpression(callee)) continue;
      const options = callee.name.text === 'define' ? call.arguments[2] : callee.name.text === 'init' ? call.arguments[1] : undefined;
      if (!options || !ts.isObjectLiteralExpression(options) || propertyOf(options, 'paranoid')?.kind !== ts.SyntaxKind.TrueKeyword) continue;
      const name = callee.name.text === 'define' ? stringValue(call.arguments[0]) : expressionName(callee.expression);
      if (name) names.add(key(name));
    }
  }
  return names;
}

/** `destroy({ where, force: true })`: Sequelize deletes a paranoid model's rows for good. */
function forced(call: ts.CallExpression): boolean {
  const options = call.arguments[0];
  return !!options && ts.isObjectLiteralExpression(options) && propertyOf(options, 'force')?.kind === ts.SyntaxKind.TrueKeyword;
}

/** Model names (lower-cased, singular) with a soft-delete column, and those whose rows expire on their own. */
function softDeleteModels(ctx: ProbeContext): { soft: Set<string>; ephemeral: Set<string> } {
  const soft = new Set<string>();
  const ephemeral = new Set<string>();
  const add = (name: string, fields: readonly string[], expires = false): void => {
    if (fields.some((f) => SOFT_DELETE_FIELD.test(f))) soft.add(key(name));
    if (expires) ephemeral.add(key(name));
  };
  for (const m of prismaModels(ctx)) add(m.name, m.fields.map((f) => f.name));
  // Objection models: their JSON schema's properties and their Knex table's columns.
  for (const m of declaredModels(ctx).values()) add(m.name, m.fields);
  for (const t of sqlTables(ctx)) add(t.name, t.columns.map((c) => c.name));
  for (const e of typeormEntities(ctx)) add(e.name, e.properties.map((p) => (p.kind === 'DeleteDateColumn' ? 'deletedAt' : p.name)));
  for (const s of mongooseSchemas(ctx)) {
    // A TTL index (`expires`) makes MongoDB delete the documents itself: they are transient by design.
    const expires = s.fields.some((f) => f.options && propertyOf(f.options, 'expires') !== undefined);
    for (const name of [...s.models, s.variable?.replace(/Schema$/, '') ?? '']) add(name, s.fields.map((f) => f.name), expires);
  }
  return { soft, ephemeral };
}

function key(name: string): string {
  return name.replace(/Repo(?:sitory)?$|Model$/i, '').replace(/_/g, '').toLowerCase().replace(/s$/, '');
}

/** Purging rows already retired (`status: 'archived'`, `deletedAt: { lt: cutoff }`) is retention, not a mistake waiting to happen. */
function purgesRetired(call: ts.CallExpression): boolean {
  const text = call.arguments[0]?.getText() ?? '';
  return /['"](?:archived|deleted|expired|trashed|cancell?ed)['"]|\b(?:lt|lte|\$lt|\$lte)\s*:|LessThan\(/.test(text);
}

/** The entity a call deletes for good, or undefined when the call is not an ORM hard delete (Map.delete, session.destroy). */
function deletedEntity(call: ts.CallExpression, source: string): string | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = expressionName(callee.expression);
  // Objection: `Order.query().deleteById(id)`, `Order.query().delete().where(...)`, `order.$query().delete()`.
  const chained = /^(?:delete|deleteById|del)$/.test(method) ? queryChainTarget(callee.expression) : undefined;
  if (chained && /query\(\)/i.test(receiver)) return chained;
  const repositoryOf = ts.isCallExpression(callee.expression) && /getRepository$/.test(expressionName(callee.expression.expression));
  const last = repositoryOf ? ((callee.expression as ts.CallExpression).arguments[0]?.getText() ?? '') : (receiver.split('.').at(-1) ?? '');
  const first = call.arguments[0];
  const hasWhere = !!first && ts.isObjectLiteralExpression(first) && propertyOf(first, 'where') !== undefined;
  const isModel = /^[A-Z][A-Za-z0-9]*$/.test(last);
  const isRepository = repositoryOf || /(?:repo|repository|manager|^em)$/i.test(last) || injectedRepository(receiver, source);
  if (method === 'delete' || method === 'deleteMany') {
    if (hasWhere || isModel || isRepository) return last;
    return first ? undefined : knexTable(callee.expression);
  }
  if (method === 'remove') return isRepository ? last : undefined;
  if (method === 'destroy') return hasWhere || isModel ? last : undefined;
  if (method === 'del') return first ? undefined : knexTable(callee.expression);
  if (MONGOOSE_DELETES.has(method)) return isModel || /collection|model/i.test(receiver) ? last : undefined;
  return undefined;
}

/** `this.invoices` declared as `invoices: Repository<Invoice>` (or a Mongoose `Model<...>`) in the class. */
function injectedRepository(receiver: string, source: string): boolean {
  const field = /^this\.(\w+)$/.exec(receiver)?.[1];
  return !!field && new RegExp(`\\b${field}\\s*:\\s*(?:Repository|MongoRepository|TreeRepository|Model)<`).test(source);
}

/** `knex('posts').where(...)` or `supabase.from('posts')` → "posts": the table a query-builder chain starts from. */
function knexTable(expr: ts.Expression): string | undefined {
  let node = expr;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    if (node.expression.name.text === 'from' && stringValue(node.arguments[0])) return stringValue(node.arguments[0]);
    node = node.expression.expression;
  }
  return ts.isCallExpression(node) && ts.isIdentifier(node.expression) ? stringValue(node.arguments[0]) : undefined;
}

function isSqlText(node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
}

function sqlText(node: ts.Node): string {
  if (ts.isTemplateExpression(node)) return node.head.text;
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : '';
}
