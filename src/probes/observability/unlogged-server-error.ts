import { findNodes, isFunctionLike, lineOf, ts } from '../support/ast.js';
import { errorHandlers, isLogCall } from '../support/error-handlers.js';
import { defineProbe, type Hit } from '../types.js';

/** Handing the error on: Express's default handler, a rethrow, or Fastify's `reply.send(err)` all log it. */
const PASSES_ON = /^(?:next|done|cb|callback|reject|super\.catch|\w+\.send|\w+\.throw)$/;

export default defineProbe({
  meta: {
    id: 'unlogged-server-error',
    title: 'Error handler answers without logging the error',
    category: 'Observability',
    severity: 'MEDIUM',
    phase: 7,
    agent: 'ops-auditor',
    cwe: 'CWE-778',
    confidence: 'medium',
    description: 'An application error handler (Express error middleware, Fastify setErrorHandler, Hono onError, Koa error event, Nest exception filter) answers 500 without logging the error, or logs only its message and loses the stack.',
    impact: 'Every unexpected failure in production reaches users as a 500 while the logs hold nothing, or one line with no stack trace: the on-call engineer cannot tell where it failed or how often.',
    remediation: 'Log the error object itself at error level with the request context (`logger.error({ err, reqId, path }, \'request failed\')`) or report it to an error tracker, then send the generic 500.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    const hits: Hit[] = [];
    for (const { file, fn, error } of errorHandlers(ctx)) {
      const calls = findNodes(fn, ts.isCallExpression);
      const uses = (call: ts.CallExpression): ts.Identifier[] => call.arguments.flatMap((arg) => findNodes(arg, ts.isIdentifier).concat(ts.isIdentifier(arg) ? [arg] : [])).filter((id) => id.text === error && !isName(id));
      if (calls.some((call) => PASSES_ON.test(call.expression.getText()) && uses(call).length > 0) || findNodes(fn, ts.isThrowStatement).length > 0) continue;
      const logged = calls.filter(isLogCall);
      const mentions = logged.flatMap(uses);
      if (mentions.length > 0) {
        if (mentions.some(keepsStack)) continue;
        const at = logged.find((call) => uses(call).length > 0)!;
        hits.push({ file, line: lineOf(at), message: `The error handler logs only ${at.arguments.map((a) => a.getText()).join(', ').slice(0, 60)}: the stack trace and the error's other fields are lost.` });
        continue;
      }
      if (logged.length > 0) continue; // it logs something of its own: a judgement call, not an omission
      const failure = serverErrorResponse(fn);
      // The range opens at the handler itself (`app.use((err, req, res, next) => {`): the omission is the handler's, the 500 is where it shows.
      if (failure) hits.push({ file, line: lineOf(fn), endLine: lineOf(failure), message: 'The error handler answers with a server error but never logs the error: production failures leave no trace.' });
    }
    return hits;
  },
});

/** `{ err }`, `logger.error(err)`, `err.stack`, `{ error: err }`: the error object or its stack reaches the log. */
function keepsStack(id: ts.Identifier): boolean {
  let at: ts.Node = id;
  while (ts.isParenthesizedExpression(at.parent) || ts.isAsExpression(at.parent) || ts.isNonNullExpression(at.parent)) at = at.parent;
  const parent = at.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.name.text === 'stack';
  return !ts.isTemplateSpan(parent) && !(ts.isCallExpression(parent) && /^String$/.test(parent.expression.getText())) && !ts.isBinaryExpression(parent);
}

function isName(id: ts.Identifier): boolean {
  return (ts.isPropertyAccessExpression(id.parent) && id.parent.name === id) || (ts.isPropertyAssignment(id.parent) && id.parent.name === id);
}

/** `res.status(500).json(…)`, `reply.code(503).send(…)`, `ctx.status = 500`, `new Response(…, { status: 500 })`. */
function serverErrorResponse(fn: ts.FunctionLikeDeclaration): ts.Node | undefined {
  const isServerCode = (node: ts.Node | undefined): boolean => !!node && ts.isNumericLiteral(node) && Number(node.text) >= 500;
  for (const node of findNodes(fn, (n): n is ts.CallExpression | ts.BinaryExpression | ts.PropertyAssignment => ts.isCallExpression(n) || ts.isBinaryExpression(n) || ts.isPropertyAssignment(n))) {
    if (isFunctionLike(node.parent) && node.parent !== fn) continue;
    if (ts.isCallExpression(node) && /\.(?:status|code|sendStatus|writeHead)$/.test(node.expression.getText()) && isServerCode(node.arguments[0])) return statementOf(node);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /\.(?:status|statusCode)$/.test(node.left.getText()) && isServerCode(node.right)) return statementOf(node);
    if (ts.isPropertyAssignment(node) && node.name.getText() === 'status' && isServerCode(node.initializer)) return statementOf(node);
  }
  return undefined;
}

function statementOf(node: ts.Node): ts.Node {
  let at = node;
  while (at.parent && !ts.isBlock(at.parent) && !isFunctionLike(at.parent)) at = at.parent;
  return at;
}
