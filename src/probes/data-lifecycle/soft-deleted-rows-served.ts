import type { ProbeContext } from '../context.js';
import { chainAbove, findNodes, isFunctionLike, lineOf, topLevelDeclarations, ts } from '../support/ast.js';
import { requestHandlers } from '../support/data-access.js';
import { declaredModels } from '../support/models.js';
import { prismaModels } from '../support/prisma.js';
import { mongooseSchemas } from '../support/schema-mongoose.js';
import { defineProbe, type Hit } from '../types.js';

const SOFT_DELETE_FIELD = /^(?:deletedAt|deleted_at|deleted|isDeleted|is_deleted|archivedAt|removedAt|trashedAt)$/;
const PRISMA_READS = /^(?:findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|findMany)$/;
const MONGOOSE_READS = /^(?:find|findOne|findById)$/;
/** Objection chain calls that write rather than read: `Order.query().patch(...)`, `.insert(...)`, `.delete()`. */
const OBJECTION_WRITES = /^(?:insert|patch|update|delete|deleteById|patchAndFetchById|updateAndFetchById|insertGraph|upsertGraph|insertAndFetch|relate|unrelate|increment|decrement)$/;
/** Objection chain ends that count or sum rows rather than serve them: a total is not a deleted item shown again. */
const AGGREGATES = /\b(?:resultSize|count|countDistinct|sum|sumDistinct|avg|avgDistinct|min|max)\b/;
/** What a uniqueness check answers when the row exists: 409, `Boom.conflict`, "already registered". */
const CONFLICT_ANSWER = /conflict|\b409\b|already|\bexists\b|\btaken\b|in use/i;
/** A Prisma middleware or client extension: a place to filter soft-deleted rows for every query. */
const PRISMA_LAYER = /\$use\s*\(|\$extends\s*\(/;
/** A Mongoose query hook on find: `schema.pre(/^find/, ...)`, `schema.pre('find', ...)`. */
const FIND_HOOK = `\\.pre\\(\\s*(?:\\/\\^find|['"]find|\\[\\s*['"]find)`;

export default defineProbe({
  meta: {
    id: 'soft-deleted-rows-served',
    title: 'Soft-deleted rows still served',
    category: 'Data Lifecycle',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A request handler reads a Prisma, Mongoose or Objection model that has a soft-delete column (deletedAt, deleted, isDeleted) without filtering on it or checking it afterwards, and no global query filter hides deleted rows.',
    impact: 'Items users deleted (messages, listings, documents) keep appearing in lists and by direct link, which breaks their expectation of deletion, can leak content they withdrew, and lets deleted records be bought, shared or edited.',
    remediation: 'Filter `deletedAt: null` (or `deleted: false`) in every read, or better, once for all queries (a Prisma client extension, a Mongoose `pre(/^find/)` hook), and return 404 for deleted rows.',
    effort: 'hours',
  },
  applies: (ctx) => softModels(ctx).size > 0,
  detect(ctx) {
    const models = softModels(ctx);
    if (models.size === 0) return [];
    const hits: Hit[] = [];
    // One finding per file and model: the fix is usually one filter, and every further read says the same.
    const reported = new Set<string>();
    for (const handler of requestHandlers(ctx)) {
      const text = handler.body.getText();
      const calls = findNodes(handler.body, ts.isCallExpression);
      // A handler that filters a model once (`updateMany({ where: { id, deletedAt: null } })`, then 404s
      // on no match) has checked the row its later reads fetch by the same id.
      const declarations = topLevelDeclarations(handler.body.getSourceFile());
      const filteredHere = new Set(calls.filter((c) => filtersOn(c, models, declarations)).map(receiverModel));
      for (const call of calls) {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee)) continue;
        const receiver = callee.expression.getText();
        const name = receiver.split('.').at(-1) ?? '';
        const prisma = PRISMA_READS.test(callee.name.text) && receiver.includes('.');
        const mongoose = MONGOOSE_READS.test(callee.name.text) && /^[A-Z]\w*$/.test(receiver);
        // Objection: `Order.query()…` read chains; the chain itself filtering (`whereNull('deleted_at')`) is checked with the handler text below.
        const objection = callee.name.text === 'query' && /^[A-Z]\w*$/.test(receiver) && !chainAbove(call).some((m) => OBJECTION_WRITES.test(m));
        const field = (prisma || mongoose || objection) ? models.get(name.toLowerCase()) : undefined;
        if (!field) continue;
        if (objection && (objectionChainFilters(call, field, declaredModels(ctx).get(name.toLowerCase())?.file.text ?? '') || AGGREGATES.test(chainAbove(call).join(' ')))) continue;
        if (onlyCheckedForConflict(call, handler.body)) continue;
        const key = `${handler.file.path}:${name.toLowerCase()}`;
        // Filtered in the query, or checked on the result (`if (!listing || listing.deletedAt)`).
        if (reported.has(key) || filteredHere.has(name.toLowerCase()) || new RegExp(`\\.${field}\\b`).test(text)) continue;
        reported.add(key);
        hits.push({ file: handler.file, line: lineOf(call), message: `${name} rows have ${field}, but this read does not exclude deleted ones: deleted ${name} records are still served.` });
      }
    }
    return hits;
  },
});

/** Lower-cased model name → its soft-delete field, for models no global filter covers. */
function softModels(ctx: ProbeContext): Map<string, string> {
  const models = new Map<string, string>();
  const globallyFiltered = ctx.scripts(['$use', '$extends']).some((file) => PRISMA_LAYER.test(file.text) && /deletedAt|deleted\s*:|isDeleted/.test(file.text));
  if (!globallyFiltered) {
    for (const m of prismaModels(ctx)) {
      const field = m.fields.find((f) => SOFT_DELETE_FIELD.test(f.name) && !f.list)?.name;
      if (field) models.set(m.name.toLowerCase(), field);
    }
  }
  // Objection models whose JSON schema or Knex table has the column, unless a soft-delete plugin or a custom query builder filters it.
  for (const m of declaredModels(ctx).values()) {
    const field = m.fields.find((f) => SOFT_DELETE_FIELD.test(f));
    if (!field || models.has(m.name.toLowerCase()) || !/\btableName\b/.test(m.file.text) || /objection-soft-delete|QueryBuilder|static\s+query\s*\(/.test(m.file.text)) continue;
    models.set(m.name.toLowerCase(), field);
  }
  for (const s of mongooseSchemas(ctx)) {
    const field = s.fields.find((f) => SOFT_DELETE_FIELD.test(f.name))?.name;
    if (!field || (s.variable && new RegExp(`\\b${s.variable}${FIND_HOOK}`).test(s.source))) continue;
    for (const name of s.models) models.set(name.toLowerCase(), field);
  }
  return models;
}

/** `deleted_at` and `deletedAt` name one column when Knex maps snake case to camel case (`knexSnakeCaseMappers`). */
function spellingsOf(field: string): string {
  const camel = field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return [...new Set([field, camel, snake])].join('|');
}

/**
 * The Objection chain filters deleted rows itself: it names the column (`whereNull('deleted_at')`), or it
 * applies a named modifier (`.modify('notDeleted')`) that the model's file defines
 * with the column (`static modifiers = { notDeleted(qb) { qb.whereNull('deletedAt') } }`).
 */
function objectionChainFilters(call: ts.CallExpression, field: string, modelSource: string): boolean {
  const chain = outermost(call).getText();
  const column = spellingsOf(field);
  if (new RegExp(`\\b(?:${column})\\b`).test(chain)) return true;
  const modifiers = [...chain.matchAll(/\.modify\(\s*\[?\s*['"`](\w+)['"`]/g)].map((m) => m[1]!);
  // The modifier's definition: its name, then the column before the body closes.
  return modifiers.some((modifier) => new RegExp(`\\b${modifier}\\b[^}]{0,200}?\\b(?:${column})\\b`).test(modelSource));
}

/**
 * The read only asks whether a row exists, to refuse a duplicate (`const taken = await Member.query().findOne({ email });
 * if (taken) throw Boom.conflict()`): a deleted row still holds the unique value, so counting it is right.
 */
function onlyCheckedForConflict(call: ts.CallExpression, body: ts.Node): boolean {
  let node: ts.Node = outermost(call);
  if (ts.isAwaitExpression(node.parent)) node = node.parent;
  const declaration = node.parent;
  if (!ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return false;
  const name = declaration.name.text;
  const uses = findNodes(body, ts.isIdentifier).filter((id) => id.text === name && id !== declaration.name);
  return uses.length > 0 && uses.every((use) => {
    const test = enclosingIfTest(use);
    return test !== undefined && CONFLICT_ANSWER.test(test.thenStatement.getText());
  });
}

/** The `if` statement whose condition holds the node, if any. */
function enclosingIfTest(node: ts.Node): ts.IfStatement | undefined {
  for (let current: ts.Node = node; current.parent; current = current.parent) {
    if (ts.isIfStatement(current.parent)) return current.parent.expression === current ? current.parent : undefined;
    if (ts.isStatement(current.parent) || isFunctionLike(current.parent)) return undefined;
  }
  return undefined;
}

function outermost(call: ts.CallExpression): ts.Node {
  let node: ts.Node = call;
  while (ts.isPropertyAccessExpression(node.parent) && ts.isCallExpression(node.parent.parent)) node = node.parent.parent;
  return node;
}

function receiverModel(call: ts.CallExpression): string {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) ? (callee.expression.getText().split('.').at(-1) ?? '').toLowerCase() : '';
}

/**
 * The call's arguments name the model's soft-delete field, directly or through a same-file helper they
 * spread or call (`where: { ...visibleTo(user), projectId }` with `visibleTo` returning `deletedAt: null`).
 */
function filtersOn(call: ts.CallExpression, models: Map<string, string>, declarations: ReadonlyMap<string, ts.Node>): boolean {
  const field = models.get(receiverModel(call));
  if (!field) return false;
  return call.arguments.some((arg) => {
    if (arg.getText().includes(field)) return true;
    return findNodes(arg, ts.isCallExpression).some((inner) => ts.isIdentifier(inner.expression) && declarations.get(inner.expression.text)?.getText().includes(field));
  });
}
