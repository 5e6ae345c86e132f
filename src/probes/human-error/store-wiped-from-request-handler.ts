import { findNodes, lineOf, ts } from '../support/ast.js';
import { requestHandlers } from '../support/data-access.js';
import { defineProbe, type Hit } from '../types.js';

/** Methods that empty a whole queue, cache or database. */
const WIPES = new Set(['obliterate', 'drain', 'flushall', 'flushAll', 'flushdb', 'flushDb', 'dropDatabase', 'dropCollection']);
/** A check that the endpoint only exists outside production (test helpers, local tooling). */
const ENV_GUARD = /NODE_ENV|APP_ENV|process\.env\.(?:CI|TEST)\b|isProduction|isDev/;

export default defineProbe({
  meta: {
    id: 'store-wiped-from-request-handler',
    title: 'Request handler wipes a whole queue, cache or collection',
    category: 'Human Error',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: 'Code reachable from a request empties an entire store in one call: a BullMQ/Bull queue obliterate or drain, a Redis FLUSHALL/FLUSHDB, a MongoDB dropDatabase/dropCollection/drop, or an ORM deleteMany with no filter.',
    impact: 'One call to the endpoint — a mistaken click, a retried request, a script pointed at the wrong host — destroys every pending job or every row, including work that belongs to other tenants, with no way back.',
    remediation: 'Remove the endpoint or restrict it to an operator tool with confirmation; scope deletes to what the caller owns and to finished or expired items (`queue.clean(grace, limit, "completed")`), and keep wipes to test setups.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const handler of requestHandlers(ctx)) {
      if (ENV_GUARD.test(handler.body.getText())) continue;
      for (const call of findNodes(handler.body, ts.isCallExpression)) {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee)) continue;
        const method = callee.name.text;
        const receiver = callee.expression.getText();
        const wipes =
          WIPES.has(method) ||
          (method === 'drop' && call.arguments.length === 0 && /collection/i.test(receiver)) ||
          (method === 'deleteMany' && unfiltered(call));
        if (wipes) hits.push({ file: handler.file, line: lineOf(call), message: `\`${receiver}.${method}(...)\` empties the whole store on a single request.` });
      }
    }
    return hits;
  },
});

/** `prisma.job.deleteMany()`, `deleteMany({})`, `deleteMany({ where: {} })`: no filter at all. */
function unfiltered(call: ts.CallExpression): boolean {
  const first = call.arguments[0];
  if (!first) return true;
  if (!ts.isObjectLiteralExpression(first)) return false;
  if (first.properties.length === 0) return true;
  const where = first.properties.find((p) => p.name?.getText() === 'where');
  return first.properties.length === 1 && !!where && ts.isPropertyAssignment(where) && ts.isObjectLiteralExpression(where.initializer) && where.initializer.properties.length === 0;
}
