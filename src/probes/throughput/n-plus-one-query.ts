import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { chainTop, enclosingFunction, expressionName, findNodes, lineOf, methodName, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Reads that fetch rows: one per loop iteration is the N of N+1. */
const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'findOne', 'findOneBy', 'findOneOrFail', 'findById', 'findByPk', 'findAll', 'find', 'findBy', 'count', 'countDocuments', 'aggregate']);
const SELECT = /^\s*select\b/i;
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|migrations?|seeds?|prisma)\//;

export default defineProbe({
  meta: {
    id: 'n-plus-one-query',
    title: 'Query per row of a previous query (N+1)',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-1073',
    confidence: 'medium',
    description: 'A loop over the rows a query returned awaits another database read for each row (`for (const r of reviews) await prisma.user.findUnique(...)`), instead of loading them together.',
    impact: 'One request makes 1 + N sequential round trips: a page of 50 items costs 51 queries, latency grows with the page size, and the database connection pool drains under load.',
    remediation: 'Load the related rows in the first query (`include`/`relations`/`populate`, a JOIN) or in one batched query (`where: { id: { in: ids } }`) and join them in memory; use a DataLoader for GraphQL resolvers.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['for (', 'for(']).length > 0,
  detect: (ctx) => ctx.scripts(['for (', 'for(']).filter((file) => !NOT_SERVER_PATH.test(file.path) && !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  for (const loop of ctx.nodesOf<ts.ForOfStatement>(file, ts.SyntaxKind.ForOfStatement)) {
    const fn = enclosingFunction(loop);
    const source = fn && rowsSource(loop.expression, fn);
    if (!source) continue;
    for (const call of findNodes(loop.statement, ts.isCallExpression)) {
      // Only awaited reads run one after another; `Promise.all(rows.map(...))` is a different trade-off.
      if (!ts.isAwaitExpression(chainTop(call).parent) || enclosingFunction(call) !== fn || !isRead(call)) continue;
      hits.push({ file, line: lineOf(call), message: `A query runs once per row of ${source} (line ${lineOf(loop)}): N+1 round trips where one batched query would do.` });
    }
  }
  return hits;
}

/** The loop walks rows a query returned: `const reviews = await prisma.review.findMany(...)`, `const { rows } = await pool.query(...)`. */
function rowsSource(expr: ts.Expression, fn: ts.FunctionLikeDeclaration): string | undefined {
  const name = ts.isIdentifier(expr) ? expr.text : undefined;
  if (!name || !fn.body) return undefined;
  const decl = findNodes(fn.body, ts.isVariableDeclaration).find((d) => (ts.isIdentifier(d.name) ? d.name.text === name : d.name.elements.some((e) => !ts.isOmittedExpression(e) && e.name.getText() === name)));
  let init = decl?.initializer;
  while (init && (ts.isAwaitExpression(init) || ts.isParenthesizedExpression(init) || ts.isAsExpression(init))) init = init.expression;
  if (!init || !ts.isCallExpression(init)) return undefined;
  if (objectionRead(init)) return name;
  return READS.has(methodName(init) ?? '') || (methodName(init) === 'query' && SELECT.test(stringValue(init.arguments[0]) ?? '')) ? name : undefined;
}

function isRead(call: ts.CallExpression): boolean {
  if (isObjectionRoot(call)) return objectionRead(chainTop(call));
  const method = methodName(call) ?? '';
  if (method === 'query' || method === 'execute') return SELECT.test(stringValue(call.arguments[0]) ?? '');
  if (!READS.has(method) || !ts.isPropertyAccessExpression(call.expression)) return false;
  // An ORM model or repository, not an array (`items.find(...)`) or a service method.
  const receiver = expressionName(call.expression.expression);
  return (/^(?:prisma|db|tx|trx|this\.\w*(?:repo|repository|prisma|db))(?:\.\w+)?$|(?:Repo|Repository|Model)$/i.test(receiver) || /^[A-Z]\w*$/.test(receiver)) && !/service|cache/i.test(receiver);
}

/** Objection chain calls that write rather than read: a write per row is another issue. */
const OBJECTION_WRITES = new Set(['insert', 'insertGraph', 'upsertGraph', 'insertAndFetch', 'patch', 'patchAndFetchById', 'update', 'updateAndFetchById', 'delete', 'deleteById', 'del', 'relate', 'unrelate', 'increment', 'decrement']);

/** `Booking.query()` — the root of an Objection query on a model class (an optional transaction argument). */
function isObjectionRoot(call: ts.CallExpression): boolean {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'query' && ts.isIdentifier(callee.expression) && /^[A-Z]/.test(callee.expression.text) && call.arguments.length <= 1 && stringValue(call.arguments[0]) === undefined;
}

/** `Member.query().where(...).resultSize()` seen from its outermost call: a chain rooted at `Model.query()` that reads. */
function objectionRead(top: ts.Expression): boolean {
  const names: string[] = [];
  let node = top;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    if (isObjectionRoot(node)) return !names.some((name) => OBJECTION_WRITES.has(name));
    names.push(node.expression.name.text);
    node = node.expression.expression;
  }
  return false;
}
