import { enclosingFunction, findNodes, lineOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** A read of one request header: `req.headers['x-a']`, `req.headers.x`, `req.get('x-a')`, `req.header('x-a')`, `headers.get('x-a')`. */
const HEADER_READ = /\b(?:req|request|ctx|context|c\.req)\.(?:headers(?:\[|\.(?!get\b))|get\(|header\()|\bheaders(?:\(\))?\.get\(/;
/** Headers whose value is routing or content metadata, never an identity claim. */
const BENIGN = /x-forwarded-proto|x-requested-with|content-type|accept|upgrade|x-request-id|x-correlation-id|user-agent|x-http-method-override|cache-control|if-none-match/i;
/** Functions that decide whether a caller may pass: Nest guards, auth middleware, hooks. */
const GATE = /canActivate|auth|Auth|guard|Guard|protect|Protect|require|Require|verify|Verify|internal|Internal|access|Access|permission|Permission|admin|Admin|middleware/;

export default defineProbe({
  meta: {
    id: 'auth-bypass-by-request-header',
    title: 'Authentication skipped when the client sends a header',
    category: 'Permissions',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-290',
    confidence: 'medium',
    description: 'An auth guard or middleware lets a request through when a client-settable header has a fixed value (`x-internal-call: true`), without any secret.',
    impact: 'Anyone who adds the header to a request skips authentication entirely and acts on every protected route.',
    remediation: 'Authenticate internal callers with a secret (mTLS, a signed service token, an API key compared in constant time), or keep internal routes off the public listener; never trust a header the client controls.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts([/headers|\.get\(|\.header\(/])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file): Hit[] =>
        ctx.nodesOf<ts.IfStatement>(file, ts.SyntaxKind.IfStatement).flatMap((stmt): Hit[] => {
          const header = trustedHeader(stmt.expression);
          if (!header || !letsThrough(stmt.thenStatement) || !inGate(stmt)) return [];
          return [{ file, line: lineOf(stmt), message: `The request passes the auth check whenever it carries ${header}, a header any client can set.` }];
        }),
      );
  },
});

/** `header === 'literal'`, `header === 'true'`, or the header's mere presence; returns the header's name. */
function trustedHeader(cond: ts.Expression): string | undefined {
  const tests = ts.isBinaryExpression(cond) && cond.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken ? [cond.left, cond.right] : [cond];
  for (const test of tests) {
    let read: ts.Expression | undefined;
    if (ts.isBinaryExpression(test) && /^[!=]==?$/.test(test.operatorToken.getText()) && test.operatorToken.kind !== ts.SyntaxKind.ExclamationEqualsEqualsToken && test.operatorToken.kind !== ts.SyntaxKind.ExclamationEqualsToken) {
      const literal = stringValue(test.right) !== undefined || test.right.kind === ts.SyntaxKind.TrueKeyword ? test.right : stringValue(test.left) !== undefined ? test.left : undefined;
      if (literal) read = literal === test.right ? test.left : test.right;
    } else if (ts.isPropertyAccessExpression(test) || ts.isElementAccessExpression(test) || ts.isCallExpression(test)) read = test;
    const text = read?.getText() ?? '';
    if (read && HEADER_READ.test(text) && !BENIGN.test(text) && !/authorization|cookie/i.test(text)) return text;
  }
  return undefined;
}

/** `return true`, `return next()`, `next(); return;`, `return;` before the checks that follow. */
function letsThrough(stmt: ts.Statement): boolean {
  const returns = ts.isReturnStatement(stmt) ? [stmt] : findNodes(stmt, ts.isReturnStatement);
  if (returns.some((r) => r.expression?.kind === ts.SyntaxKind.TrueKeyword)) return true;
  return findNodes(stmt, ts.isCallExpression).some((call) => /^(?:next|done)$/.test(call.expression.getText()) && call.arguments.length === 0) || (ts.isReturnStatement(stmt) && /^(?:next|done)\(\)$/.test(stmt.expression?.getText() ?? ''));
}

function inGate(node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const name = fn.name?.getText() ?? (ts.isVariableDeclaration(fn.parent) || ts.isPropertyAssignment(fn.parent) ? fn.parent.name.getText() : '');
    const owner = ts.isClassLike(fn.parent) ? (fn.parent.name?.getText() ?? '') : '';
    if (GATE.test(name) || GATE.test(owner) || (ts.isCallExpression(fn.parent) && GATE.test(fn.parent.getText().slice(0, 40)))) return true;
  }
  return false;
}
