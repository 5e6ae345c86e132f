import { chainAbove, chainBelow, chainCallsAbove, chainTop, enclosingFunction, expressionName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { readScopes } from '../support/read-scopes.js';
import { defineProbe, type Hit } from '../types.js';

/** ORM calls that return every matching row unless told otherwise. */
const LIST_METHODS = new Set(['findMany', 'find', 'findAll', 'findAndCount', 'findAndCountAll', 'getMany', 'getRawMany', 'getManyAndCount']);
const BOUND_KEYS = new Set(['take', 'limit', 'first', 'last']);
/** Chained calls that bound, stream or reduce the result (Mongoose, query builders, knex). */
const CHAIN_BOUNDS = new Set(['limit', 'take', 'paginate', 'first', 'count', 'countDocuments', 'estimatedDocumentCount', 'cursor', 'stream', 'distinct', 'pluck', 'sum', 'avg', 'min', 'max', 'getCount', 'getOne', 'insert', 'update', 'del', 'delete', 'increment', 'decrement', 'returning', 'countDistinct']);
/** Objection chain calls that bound the result or return one row: `Order.query().where(...).page(0, 20)`, `.findById(id)`. */
const OBJECTION_BOUNDS = new Set(['page', 'range', 'findById', 'findByIds', 'findOne', 'resultSize', 'patch', 'patchAndFetchById', 'updateAndFetchById', 'deleteById', 'insertGraph', 'upsertGraph', 'insertAndFetch', 'relate', 'unrelate', 'limit', 'first', 'count', 'toKnexQuery', 'toSql', 'toString']);
/** Lookup tables are small by nature: listing all countries or plans is fine. */
const REFERENCE_TABLE = /(?:^|\.)(?:countr|currenc|language|locale|timezone|role|permission|plan|tier|setting|feature|flag|categor|tag|region|province|lookup|enum)\w*$/i;
const SQL_SELECT = /^\s*select\b[\s\S]*?\bfrom\b/i;

export default defineProbe({
  meta: {
    id: 'list-endpoint-without-pagination',
    title: 'List endpoint returns every row',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'medium',
    description: 'A GET route handler (or a Next.js page, or the service method a GET handler delegates to) loads a list from the database with no limit (Prisma findMany without take, find/findAll without limit, an Objection `Model.query()` without page/limit, a Drizzle `db.select().from(t)` without `.limit()`, SELECT without LIMIT).',
    impact: 'Response time, memory and database load grow with the table: one large tenant or a scraper can slow or crash the API for everyone.',
    remediation: 'Page the query (take/limit with a capped page size, or cursor pagination) and return a next-page cursor.',
    effort: 'hours',
  },
  applies: (ctx) => readScopes(ctx).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const { file, body, where } of readScopes(ctx)) {
      for (const call of findNodes(body, ts.isCallExpression)) {
        const what = unboundedQuery(call);
        const line = what ? runLine(call) : undefined;
        if (line) hits.push({ file, line, message: `${where} returns ${what} with no limit: every row, on every request.` });
      }
      const judged = new Set<ts.Node>();
      for (const literal of findNodes(body, isStringLike)) {
        // 'SELECT … ' + term + ' LIMIT 50' is one statement: judge the whole concatenation once.
        const whole = concatenationRoot(literal);
        if (judged.has(whole)) continue;
        judged.add(whole);
        if (unboundedSql(sqlText(whole))) hits.push({ file, line: lineOf(whole), message: `${where} runs a SELECT with no LIMIT.` });
      }
    }
    return hits;
  },
});

function unboundedQuery(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = expressionName(callee.expression);
  if (/service|cache|store/i.test(receiver) || REFERENCE_TABLE.test(receiver)) return undefined;
  if (chainAbove(call).some((name) => CHAIN_BOUNDS.has(name))) return undefined;
  if (method === 'select' && isKnexRoot(callee.expression) && !chainBelow(callee.expression).some((name) => CHAIN_BOUNDS.has(name))) {
    return `${receiver}.select(...)`;
  }
  if (method === 'from') return drizzleUnboundedSelect(call, callee);
  // Objection: `Order.query()` (optionally `.where(...)`, `.withGraphFetched(...)`) resolves to every matching row.
  if (method === 'query' && ts.isIdentifier(callee.expression) && /^[A-Z]/.test(callee.expression.text) && call.arguments.length <= 1) {
    const above = chainAbove(call);
    if (above.some((name) => CHAIN_BOUNDS.has(name) || OBJECTION_BOUNDS.has(name)) || isArgument(call)) return undefined;
    return `${receiver}.query()${above.length ? `.${above.join('(...).')}(...)` : ''}`;
  }
  if (!LIST_METHODS.has(method)) return undefined;
  if (method.startsWith('get')) return chainBelow(callee.expression).some((name) => CHAIN_BOUNDS.has(name)) ? undefined : `${receiver}.${method}()`;
  if (method === 'findMany' ? !ts.isPropertyAccessExpression(callee.expression) : !isOrmReceiver(callee.expression)) return undefined;
  // Options built elsewhere, spread in, or naming an id list cannot be judged from here.
  for (const arg of call.arguments) {
    if (!ts.isObjectLiteralExpression(arg)) return undefined;
    if (arg.properties.some((p) => ts.isSpreadAssignment(p) || (p.name && BOUND_KEYS.has(p.name.getText())))) return undefined;
    const filter = propertyOf(arg, 'where') ?? arg;
    if (/\bin\s*:|\$in\b/.test(filter.getText())) return undefined;
    // A window between two bounds (`slotStart: { [Op.between]: [from, to] }`, TypeORM `Between(a, b)`): a calendar page, not the table.
    if (/\[Op\.between\]|\$between\b|\bBetween\(/.test(filter.getText())) return undefined;
  }
  return `${receiver}.${method}(${call.arguments.length ? '...' : ''})`;
}

/** Drizzle aggregate helpers and SQL aggregates in a select's fields: one row per group, not the table. */
const DRIZZLE_AGGREGATE = /\b(?:count|countDistinct|sum|sumDistinct|avg|avgDistinct|min|max)\s*\(|`[^`]*\b(?:count|sum|avg|min|max)\s*\(/i;
/** A column that identifies one row: `eq(products.id, id)`. */
const DRIZZLE_UNIQUE_EQ = /\beq\(\s*[\w.]+\.(?:id|uuid|slug|email|username)\s*,/;

/**
 * Drizzle `db.select(...).from(table)` (optionally `.where(...)`, `.orderBy(...)`, joins) resolves to every
 * matching row. Bounded by `.limit(...)` later in the chain, a where on one row's key, an id list
 * (`inArray`), aggregate fields, or use as a subquery. Knex's `knex.select().from('t')` is judged at `select`.
 */
function drizzleUnboundedSelect(call: ts.CallExpression, callee: ts.PropertyAccessExpression): string | undefined {
  const select = callee.expression;
  const table = call.arguments[0];
  if (!ts.isCallExpression(select) || !/^select(?:Distinct)?$/.test(expressionName(select.expression).split('.').at(-1) ?? '')) return undefined;
  if (!table || !(ts.isIdentifier(table) || ts.isPropertyAccessExpression(table)) || REFERENCE_TABLE.test(table.getText())) return undefined;
  if (!ts.isPropertyAccessExpression(select.expression) || isKnexRoot(select.expression.expression)) return undefined;
  const above = chainAbove(call);
  if (above.some((name) => CHAIN_BOUNDS.has(name) || name === 'as') || isArgument(call)) return undefined;
  if (select.arguments.some((fields) => DRIZZLE_AGGREGATE.test(fields.getText()))) return undefined;
  const where = chainCallsAbove(call).find((c) => ts.isPropertyAccessExpression(c.expression) && c.expression.name.text === 'where');
  if (where && (DRIZZLE_UNIQUE_EQ.test(where.getText()) || /\binArray\(/.test(where.getText()))) return undefined;
  return `${expressionName(select.expression.expression)}.select().from(${table.getText()})`;
}

/**
 * The line where the query runs. A builder kept in a variable and finished in later statements
 * (`const q = Booking.query().where(...); if (day) q.where(...); const rows = await q;`) runs where it is
 * awaited, and a later `q.limit(...)` or `q = q.page(...)` bounds it: undefined then.
 */
function runLine(call: ts.CallExpression): number | undefined {
  const top = chainTop(call);
  const decl = top.parent;
  const fn = enclosingFunction(top);
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== top || !ts.isIdentifier(decl.name) || !fn?.body) return lineOf(call);
  const name = decl.name.text;
  let awaited: number | undefined;
  for (const use of findNodes(fn.body, (n): n is ts.Identifier => ts.isIdentifier(n) && n.text === name && n !== decl.name)) {
    if (chainAbove(use).some((method) => CHAIN_BOUNDS.has(method) || OBJECTION_BOUNDS.has(method))) return undefined;
    const used = chainTop(use);
    if (awaited === undefined && (ts.isAwaitExpression(used.parent) || ts.isReturnStatement(used.parent))) awaited = lineOf(used);
  }
  return awaited ?? lineOf(call);
}

/** A model class, a repository, an entity manager or a Mongo collection: not an array or a service. */
function isOrmReceiver(expr: ts.Expression): boolean {
  if (ts.isCallExpression(expr)) return /(?:getRepository|collection|model)$/i.test(expressionName(expr.expression));
  const last = expressionName(expr).split('.').at(-1) ?? '';
  return /^[A-Z][A-Za-z0-9]*$/.test(last) || /(?:repo|repository|collection|model|^em|manager)$/i.test(last) || injectedType(expr);
}

/** `this.invoices` where the constructor declares `invoices: Repository<Invoice>` (or a Model / Collection). */
function injectedType(expr: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(expr) || expr.expression.kind !== ts.SyntaxKind.ThisKeyword) return false;
  let cls: ts.Node | undefined = expr;
  while (cls && !ts.isClassDeclaration(cls)) cls = cls.parent;
  const param = cls?.members.find(ts.isConstructorDeclaration)?.parameters.find((p) => p.name.getText() === expr.name.text);
  return !!param?.type && /^(?:Repository|MongoRepository|TreeRepository|EntityRepository|Model|Collection)\b/.test(param.type.getText());
}

/** `knex('users')`, `db('users')` or the `knex` object itself: the roots of a knex query. */
function isKnexRoot(expr: ts.Expression): boolean {
  let node = expr;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) node = node.expression.expression;
  if (ts.isIdentifier(node)) return node.text === 'knex';
  return ts.isCallExpression(node) && /^(?:knex|db|trx)$/.test(node.expression.getText()) && stringValue(node.arguments[0]) !== undefined;
}

/** A query chain passed to another call (`whereIn('id', Sub.query().select('id'))`): a subquery, not a result. */
function isArgument(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (ts.isPropertyAccessExpression(node.parent) && ts.isCallExpression(node.parent.parent)) node = node.parent.parent;
  const parent = node.parent;
  return (ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) || ts.isPropertyAccessExpression(parent);
}

function isStringLike(node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
}

function concatenationRoot(node: ts.Node): ts.Node {
  let root = node;
  while (ts.isParenthesizedExpression(root.parent) || (ts.isBinaryExpression(root.parent) && root.parent.operatorToken.kind === ts.SyntaxKind.PlusToken)) root = root.parent;
  return root;
}

/** The SQL a concatenation spells, with `?` where a value is spliced in. */
function sqlText(node: ts.Node): string {
  if (isStringLike(node)) return literalText(node);
  if (ts.isParenthesizedExpression(node)) return sqlText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return `${sqlText(node.left)}${sqlText(node.right)}`;
  return ' ? ';
}

function literalText(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression): string {
  return ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? ') : node.text;
}

/** A multi-row SELECT: no LIMIT/FETCH/TOP, not an aggregate, not a lookup by a unique key. */
function unboundedSql(sql: string): boolean {
  if (!SQL_SELECT.test(sql) || /\b(?:limit|fetch\s+(?:first|next)|top\s*\(?\s*[\d$?@:])\b/i.test(sql)) return false;
  const columns = /^\s*select\b([\s\S]*?)\bfrom\b/i.exec(sql)?.[1] ?? '';
  if (/\b(?:count|sum|avg|min|max|exists)\s*\(/i.test(columns)) return false;
  const where = /\bwhere\b([\s\S]*)$/i.exec(sql)?.[1] ?? '';
  return !/\b(?:id|uuid|email|slug|username)\s*=/i.test(where);
}
