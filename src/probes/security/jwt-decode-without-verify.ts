import { enclosingFunction, findNodes, isFunctionLike, lineOf, propertyOf, stringValue, ts, walkNodes } from '../support/ast.js';
import { importsOf, type Imports } from '../support/imports.js';
import { defineProbe } from '../types.js';

/** Claims whose value decides who the caller is or what it may do; `exp`/`kid` alone decide nothing. */
const IDENTITY_CLAIMS = /^(?:sub|id|uid|userId|user_id|user|email|role|roles|isAdmin|admin|permissions|scope|scopes|groups|tenantId|tenant_id|orgId|org_id|accountId|account_id)$/;
const IDENTITY_TARGET = /^(?:user|auth|session|identity|principal|claims|currentUser|userId|account|tenant)$|User$/;
const IDENTITY_FUNCTION = /user|auth|session|identity|principal|claims|caller|current/i;
const VERIFY_CALL = /(?:\bverify\w*|jwtVerify)\s*\(/i;

export default defineProbe({
  meta: {
    id: 'jwt-decode-without-verify',
    title: 'JWT trusted without signature verification',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-347',
    confidence: 'medium',
    description: 'Server code trusts the claims of a JWT read with `jwt.decode`/`decodeJwt` and never verified, or verifies with the `none` algorithm allowed.',
    impact: 'Anyone can forge a token with any user id or role and be treated as that user, including as an administrator.',
    remediation: 'Use `jwt.verify(token, key, { algorithms: [\'RS256\'] })` (or jose `jwtVerify`) before reading any claim, and never allow the `none` algorithm.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.hasDependency('jsonwebtoken', 'jose') || ctx.scripts(['jsonwebtoken', 'jose']).length > 0,
  detect(ctx) {
    return ctx.scripts(['jsonwebtoken', 'jose']).flatMap((file) => {
      // Browser code decoding its own token to show a name is not an auth decision.
      if (/^\s*['"]use client['"]/.test(file.text) || /\.[jt]sx$/.test(file.path)) return [];
      const sf = ctx.ast(file);
      const jwt = importsOf(sf, /^jsonwebtoken$/);
      const jose = importsOf(sf, /^jose$/);
      return findNodes(sf, ts.isCallExpression).flatMap((call) => {
        const kind = jwtCall(call, jwt, 'decode', 'verify') ?? jwtCall(call, jose, 'decodeJwt', 'jwtVerify');
        if (kind === 'verify' && allowsNone(call)) {
          return [{ file, line: lineOf(call), message: 'The token is verified with the `none` algorithm allowed, so an unsigned token passes.' }];
        }
        if (kind === 'decode' && !verifiedNearby(call) && trustsClaims(call)) {
          return [{ file, line: lineOf(call), message: 'Claims of a decoded but never verified JWT decide who the caller is.' }];
        }
        return [];
      });
    });
  },
});

function jwtCall(call: ts.CallExpression, imports: Imports, decode: string, verify: string): 'decode' | 'verify' | undefined {
  const callee = call.expression;
  let name: string | undefined;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && imports.namespaces.has(callee.expression.text)) name = callee.name.text;
  if (ts.isIdentifier(callee)) name = imports.named.get(callee.text);
  return name === decode ? 'decode' : name === verify ? 'verify' : undefined;
}

function allowsNone(call: ts.CallExpression): boolean {
  return call.arguments.some((arg) => {
    const algorithms = ts.isObjectLiteralExpression(arg) ? propertyOf(arg, 'algorithms') : undefined;
    return !!algorithms && ts.isArrayLiteralExpression(algorithms) && algorithms.elements.some((el) => stringValue(el)?.toLowerCase() === 'none');
  });
}

/** Decoding the header to pick a key and then verifying is the correct pattern, so any verify in the enclosing functions clears it. */
function verifiedNearby(call: ts.CallExpression): boolean {
  let outermost: ts.Node | undefined;
  for (let current = call.parent; current; current = current.parent) if (isFunctionLike(current)) outermost = current;
  return !outermost || VERIFY_CALL.test(outermost.getText());
}

function trustsClaims(call: ts.CallExpression): boolean {
  let result: ts.Node = call;
  while (ts.isParenthesizedExpression(result.parent) || ts.isAsExpression(result.parent) || ts.isNonNullExpression(result.parent) || ts.isAwaitExpression(result.parent)) result = result.parent;
  const parent = result.parent;
  if (ts.isPropertyAccessExpression(parent)) return IDENTITY_CLAIMS.test(parent.name.text) && !isLogged(parent);
  if (ts.isBinaryExpression(parent) && parent.right === result) return assignsIdentity(parent.left);
  if (ts.isReturnStatement(parent) || ts.isArrowFunction(parent)) return IDENTITY_FUNCTION.test(functionName(ts.isArrowFunction(parent) ? parent : enclosingFunction(parent)));
  const scope = enclosingFunction(parent);
  if (!ts.isVariableDeclaration(parent) || !scope) return false;
  const whole = ts.isIdentifier(parent.name) ? parent.name.text : undefined;
  const claims = new Set(claimBindings(parent.name));
  let trusted = false;
  walkNodes(scope, (node) => {
    if (whole && ts.isPropertyAccessExpression(node) && node.expression.getText() === whole && IDENTITY_CLAIMS.test(node.name.text) && !isLogged(node)) trusted = true;
    if (whole && ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && node.right.getText() === whole && assignsIdentity(node.left)) trusted = true;
    if (whole && ts.isVariableDeclaration(node) && node.initializer?.getText() === whole) for (const name of claimBindings(node.name)) claims.add(name);
    if (ts.isIdentifier(node) && claims.has(node.text) && !ts.isBindingElement(node.parent) && !ts.isPropertyAccessExpression(node.parent) && !isLogged(node)) trusted = true;
  });
  return trusted;
}

/** Local names that `const { sub, role: r } = …` binds to identity claims. */
function claimBindings(name: ts.BindingName): string[] {
  if (!ts.isObjectBindingPattern(name)) return [];
  return name.elements.filter((el) => IDENTITY_CLAIMS.test((el.propertyName ?? el.name).getText()) && ts.isIdentifier(el.name)).map((el) => el.name.getText());
}

/** Writing the claimed user id to a log decides nothing. */
function isLogged(node: ts.Node): boolean {
  for (let current = node.parent; current && !ts.isStatement(current); current = current.parent) {
    if (ts.isCallExpression(current) && /^(?:console|logger|log|this\.logger)\b|\.(?:log|info|debug|warn|trace)$/.test(current.expression.getText())) return true;
  }
  return false;
}

/** `req.user = …`, `res.locals.user = …`, `ctx.state.user = …`. */
function assignsIdentity(target: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(target) && IDENTITY_TARGET.test(target.name.text);
}


function functionName(fn: ts.FunctionLikeDeclaration | undefined): string {
  if (!fn) return '';
  if (fn.name) return fn.name.getText();
  const holder = fn.parent;
  return (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder)) ? holder.name.getText() : '';
}
