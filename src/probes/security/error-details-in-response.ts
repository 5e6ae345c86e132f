import { calleeName, enclosingFunction, findNodes, lineOf, propertyOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** `res.json`, `res.status(500).send`, `reply.code(500).send`, `NextResponse.json`, `Response.json`, hapi's `h.response(...)`. */
const SINK = /^(?:res|response|reply|h)(?:\.(?:status|code)\(\))?\.(?:json|send|jsonp|end)$|^(?:NextResponse|Response)\.json$|^(?:h|reply)\.response$/;
const ERROR_NAME = /^(?:e|err|error|ex|exc|exception|cause)$/;

export default defineProbe({
  meta: {
    id: 'error-details-in-response',
    title: 'Internal error details sent to the client',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-209',
    confidence: 'high',
    description: 'A server response includes a caught error’s stack trace, or its raw message in a 5xx response.',
    impact: 'Stack traces and driver messages tell an attacker file paths, library versions, SQL and table names, and sometimes secrets in connection strings: a map for the next attack.',
    remediation: 'Log the error with its stack on the server, and answer 5xx with a generic message and a request id the user can quote to support.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts(['.stack', '.message'])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file) => {
        const hits: Hit[] = [];
        for (const call of ctx.calls(file)) {
          if (!SINK.test(calleeName(call)) || !call.arguments[0]) continue;
          const leaked = leakedParts(call.arguments[0], serverFault(call));
          if (leaked) hits.push({ file, line: lineOf(call), message: `The response carries the error's ${leaked}.` });
        }
        // Koa: ctx.body = { error: err.stack }
        for (const node of ctx.nodesOf<ts.BinaryExpression>(file, ts.SyntaxKind.BinaryExpression)) {
          if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !/^(?:ctx|context)\.body$/.test(node.left.getText())) continue;
          const leaked = leakedParts(node.right, false);
          if (leaked) hits.push({ file, line: lineOf(node), message: `The response carries the error's ${leaked}.` });
        }
        return hits;
      });
  },
});

/** "stack trace" for `err.stack` anywhere in the payload; "message" for an unconditional `err.message` when the status is 5xx. */
function leakedParts(payload: ts.Expression, fault: boolean): string | undefined {
  const reads = findNodes(payload, ts.isPropertyAccessExpression).concat(ts.isPropertyAccessExpression(payload) ? [payload] : []);
  const ofError = reads.filter((read) => isErrorObject(read.expression, reads));
  if (ofError.some((read) => read.name.text === 'stack')) return 'stack trace';
  const message = ofError.find((read) => read.name.text === 'message' && !insideConditional(read, payload));
  return fault && message ? 'raw message in a server-error response' : undefined;
}

/**
 * An error by its name (`err`), or by its shape where the name says nothing: hapi's `request.response` is a Boom error once
 * `.isBoom` is checked, and a payload reading both `.message` and `.stack` of one object is describing an error.
 */
function isErrorObject(receiver: ts.Expression, reads: readonly ts.PropertyAccessExpression[]): boolean {
  const name = errorName(receiver);
  if (ERROR_NAME.test(name)) return true;
  if (!name) return false;
  const sameReceiver = reads.filter((read) => errorName(read.expression) === name).map((read) => read.name.text);
  if (sameReceiver.includes('message') && sameReceiver.includes('stack')) return true;
  const fn = enclosingFunction(receiver);
  return !!fn && findNodes(fn, ts.isPropertyAccessExpression).some((read) => read.name.text === 'isBoom' && errorName(read.expression) === name);
}

/** `err`, `(err as Error)`, `e!`. */
function errorName(node: ts.Expression): string {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return errorName(node.expression);
  return ts.isIdentifier(node) ? node.text : '';
}

/** `status === 500 ? 'Internal error' : err.message` already hides server faults. */
function insideConditional(node: ts.Node, stop: ts.Node): boolean {
  for (let current = node.parent; current && current !== stop.parent; current = current.parent) if (ts.isConditionalExpression(current)) return true;
  return false;
}

/** The response's status is a literal 5xx: `res.status(500).json`, `NextResponse.json(body, { status: 500 })`. */
function serverFault(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee) && ts.isCallExpression(callee.expression) && /\.(?:status|code)$/.test(calleeName(callee.expression))) {
    return /^5\d\d$/.test(callee.expression.arguments[0]?.getText() ?? '');
  }
  // hapi sets the status after the payload: `h.response(body).code(500)`.
  const chained = call.parent;
  if (ts.isPropertyAccessExpression(chained) && chained.name.text === 'code' && ts.isCallExpression(chained.parent)) {
    return /^5\d\d$/.test(chained.parent.arguments[0]?.getText() ?? '');
  }
  const init = call.arguments[1];
  return !!init && ts.isObjectLiteralExpression(init) && /^5\d\d$/.test(propertyOf(init, 'status')?.getText() ?? '');
}
