import { calleeName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Cookies that grant access: a session id, an auth or refresh token. CSRF tokens must stay readable by scripts. */
const AUTH_COOKIE = /sess|sid|token|auth|jwt|refresh|access|remember|login|identity|credential/i;
const SCRIPT_READABLE = /csrf|xsrf/i;
/** `res.cookie`, `reply.setCookie` (@fastify/cookie), `cookies().set` / `response.cookies.set` (Next.js), `cookie.serialize`. */
const SETTERS = /^(?:res|response|reply|ctx\.res|this\.res)\.(?:cookie|setCookie)$|(?:^|\.)cookies(?:\(\))?\.set$|^(?:cookie|cookies|Cookie)\.serialize$|^serialize$/;
/** Koa's `ctx.cookies.set` is HttpOnly unless told otherwise. */
const KOA_SETTER = /^(?:ctx|context|this)\.cookies\.set$/;
/** express-session keeps the cookie off scripts by default but sends it over plain HTTP unless told otherwise. */
const SESSION_CALL = /^(?:session|expressSession|Session)$/;

export default defineProbe({
  meta: {
    id: 'insecure-cookie',
    title: 'Session or auth cookie without HttpOnly or Secure',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-614',
    confidence: 'high',
    description: 'A session or auth-token cookie is set without `httpOnly: true` or `secure: true`, or with `sameSite: \'none\'` and no `secure`.',
    impact: 'Without HttpOnly any injected script can steal the session; without Secure the cookie travels over plain HTTP where a network attacker can read it.',
    remediation: 'Set `httpOnly: true`, `secure: true` (or `secure: process.env.NODE_ENV === \'production\'`) and `sameSite: \'lax\'` on every session and token cookie.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(['cookie', 'Cookie']).length > 0,
  detect(ctx) {
    return ctx.scripts(['cookie', 'Cookie']).flatMap((file) => {
      const sf = ctx.ast(file);
      if (ctx.isFrontEnd(file)) return [];
      return findNodes(sf, ts.isCallExpression).flatMap((call): Hit[] => {
        const name = calleeName(call);
        if (SETTERS.test(name) && (name !== 'serialize' || /from\s+['"]cookie['"]|require\(['"]cookie['"]\)/.test(sf.text))) return judgeSetter(call, sf, KOA_SETTER.test(name)).map((message) => ({ file, line: lineOf(call), message }));
        if (SESSION_CALL.test(name) && /['"]express-session['"]/.test(sf.text)) return judgeSession(call, sf).map((message) => ({ file, line: lineOf(call), message }));
        return [];
      });
    });
  },
});

/** `(name, value, options)` or Next's `({ name, value, ...options })`. */
function judgeSetter(call: ts.CallExpression, sf: ts.SourceFile, httpOnlyDefault: boolean): string[] {
  const [first, , third] = call.arguments;
  const single = first && ts.isObjectLiteralExpression(first) ? first : undefined;
  const cookieName = resolve(single ? propertyOf(single, 'name') : first, sf);
  const text = stringValue(cookieName);
  if (text === undefined || !AUTH_COOKIE.test(text) || SCRIPT_READABLE.test(text)) return [];
  const options = single ?? (third ? resolve(third, sf) : undefined);
  if (options !== undefined && !ts.isObjectLiteralExpression(options)) return [];
  // Options spread from elsewhere (`{ ...cookieDefaults, maxAge }`) cannot be judged here.
  if (options?.properties.some(ts.isSpreadAssignment)) return [];
  const problems = flagProblems(options, { httpOnlyDefault });
  return problems ? [`Cookie "${text}" ${problems}.`] : [];
}

/** express-session `cookie: {...}`: HttpOnly is on by default, Secure is not. */
function judgeSession(call: ts.CallExpression, sf: ts.SourceFile): string[] {
  const options = resolve(call.arguments[0], sf);
  if (!options || !ts.isObjectLiteralExpression(options)) return [];
  const cookie = resolve(propertyOf(options, 'cookie'), sf);
  if (!cookie || !ts.isObjectLiteralExpression(cookie) || cookie.properties.some(ts.isSpreadAssignment)) return [];
  const problems = flagProblems(cookie, { httpOnlyDefault: true });
  return problems ? [`The session cookie ${problems}.`] : [];
}

/** What is wrong with one cookie's options, or undefined. An expression (`isProd`, `NODE_ENV === 'production'`) counts as set. */
function flagProblems(options: ts.ObjectLiteralExpression | undefined, defaults: { httpOnlyDefault: boolean }): string | undefined {
  const httpOnly = options && propertyOf(options, 'httpOnly');
  const secure = options && propertyOf(options, 'secure');
  const sameSite = stringValue(options && propertyOf(options, 'sameSite'))?.toLowerCase();
  const off = (v: ts.Expression | undefined, byDefault: boolean): boolean => (v === undefined ? !byDefault : v.kind === ts.SyntaxKind.FalseKeyword);
  const problems: string[] = [];
  if (off(httpOnly, defaults.httpOnlyDefault)) problems.push('is readable by page scripts (no `httpOnly: true`)');
  if (off(secure, false)) problems.push(sameSite === 'none' ? "has `sameSite: 'none'` without `secure`" : 'is sent over plain HTTP (no `secure: true`)');
  return problems.length > 0 ? problems.join(' and ') : undefined;
}

/** An identifier declared as a const in the same file is judged by its initializer. */
function resolve(node: ts.Expression | undefined, sf: ts.SourceFile): ts.Expression | undefined {
  if (!node || !ts.isIdentifier(node)) return node;
  const decl = findNodes(sf, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === node.text);
  return decl?.initializer && ts.isVariableDeclarationList(decl.parent) && decl.parent.flags & ts.NodeFlags.Const ? decl.initializer : node;
}
