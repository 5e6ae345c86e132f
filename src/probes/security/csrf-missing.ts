import type { ProbeContext } from '../context.js';
import { findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import type { Route } from '../support/routes.js';
import { defineProbe, type Hit } from '../types.js';

/** Modules whose middleware keeps the login in a cookie the browser sends on its own (iron-session is SameSite=Lax by default). */
const SESSION_MODULES = new Set(['express-session', 'cookie-session', '@fastify/session', '@fastify/secure-session', 'fastify-session', 'koa-session']);
const CSRF_PACKAGES = new Set(['csurf', '@dr.pogodin/csurf', 'csrf-csrf', 'csrf-sync', 'tiny-csrf', 'lusca', 'csrf', '@fastify/csrf-protection', 'fastify-csrf', 'koa-csrf', '@koa/csrf', 'next-csrf', '@edge-csrf/nextjs', 'edge-csrf', 'helmet-csrf', 'express-csrf-double-submit-cookie']);
/** A CSRF package imported, or a hand-written token or header check naming it (in code, not comments). */
const CSRF_MENTION = /csrf|xsrf|csurf/i;
/** Parsers of the bodies a cross-site form can send (urlencoded, multipart). */
const FORM_PARSING = /urlencoded\s*\(|multer|formidable|busboy|@fastify\/formbody|@fastify\/multipart|express-fileupload/;
/** Browsers do not send a Strict or Lax cookie on a cross-site POST. */
const SAME_SITE_SAFE = /^(?:strict|lax)$/i;

export default defineProbe({
  meta: {
    id: 'csrf-missing',
    title: 'Cookie-session app without CSRF protection',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-352',
    confidence: 'medium',
    description: 'The application authenticates with a cookie session (express-session, cookie-session, @fastify/session, passport sessions) and has state-changing routes, but uses no CSRF token check and no SameSite=Lax/Strict session cookie.',
    impact: 'Any website a signed-in user visits can submit forms to the application in the user’s name: change the email, transfer money, delete data.',
    remediation: 'Set `sameSite: \'lax\'` (or `\'strict\'`) on the session cookie and add a CSRF token check (csrf-csrf, csrf-sync, lusca or @fastify/csrf-protection) to every state-changing route that accepts form posts.',
    effort: 'hours',
  },
  applies: (ctx) => sessionSetups(ctx).length > 0,
  detect(ctx) {
    // Judged per application (nearest package.json): one app's CSRF middleware does not cover another.
    const apps = new Map<string, Setup[]>();
    for (const setup of sessionSetups(ctx)) {
      const root = appRoot(ctx, setup.hit.file.path);
      apps.set(root, [...(apps.get(root) ?? []), setup]);
    }
    return [...apps].flatMap(([root, setups]): Hit[] => {
      if (setups.some((s) => s.mitigated)) return [];
      const inApp = (path: string): boolean => path.startsWith(root);
      if (ctx.scripts([CSRF_MENTION]).some((file) => inApp(file.path) && mentionsCsrfInCode(ctx.ast(file)))) return [];
      if (!ctx.routes().some((route) => inApp(route.file.path) && forgeable(route, parsesForms(ctx, root)))) return [];
      return [{ ...setups[0]!.hit, message: 'Sessions ride on a cookie, and no state-changing route checks a CSRF token or relies on a SameSite=Lax/Strict cookie.' }];
    });
  },
});

/**
 * A plain cross-site form can only POST, and only urlencoded, multipart or text bodies; PUT/PATCH/DELETE and
 * JSON bodies need a CORS preflight. So a POST route is forgeable when the app parses forms or it reads no body.
 */
function forgeable(route: Route, formsParsed: boolean): boolean {
  if (route.method !== 'POST' && route.method !== 'ALL') return false;
  return formsParsed || (route.handler !== undefined && !/\bbody\b/.test(route.handler.getText()));
}

function parsesForms(ctx: ProbeContext, root: string): boolean {
  return ctx.scripts(['urlencoded', 'multer', 'formidable', 'busboy', 'formbody', 'multipart', 'fileupload']).some((file) => file.path.startsWith(root) && FORM_PARSING.test(file.text));
}

interface Setup {
  readonly hit: Hit;
  readonly mitigated: boolean;
}
/** `session({...})`, `cookieSession({...})`, `fastify.register(fastifySession, {...})`, `app.use(passport.session())`. */
function sessionSetups(ctx: ProbeContext): Setup[] {
  return ctx.scripts(['session', 'Session']).flatMap((file) => {
    const sf = ctx.ast(file);
    const sessionNames = importedFrom(sf, SESSION_MODULES);
    return findNodes(sf, ts.isCallExpression).flatMap((call): Setup[] => {
      const callee = call.expression;
      const at = { file, line: lineOf(call) };
      if (ts.isIdentifier(callee) && sessionNames.has(callee.text)) return [{ hit: at, mitigated: sameSiteSafe(call.arguments[0], sf) }];
      const plugin = call.arguments[0];
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'register' && plugin && ts.isIdentifier(plugin) && sessionNames.has(plugin.text)) {
        return [{ hit: at, mitigated: sameSiteSafe(call.arguments[1], sf) }];
      }
      if (callee.getText() === 'passport.session') return [{ hit: at, mitigated: false }];
      return [];
    });
  });
}

/** The session cookie (top-level options for cookie-session, `cookie: {}` for the others) is SameSite Lax or Strict. */
function sameSiteSafe(arg: ts.Expression | undefined, sf: ts.SourceFile): boolean {
  const options = resolve(arg, sf);
  if (!options || !ts.isObjectLiteralExpression(options)) return false;
  const cookie = resolve(propertyOf(options, 'cookie') ?? propertyOf(options, 'cookieOptions'), sf);
  const holders = [options, ...(cookie && ts.isObjectLiteralExpression(cookie) ? [cookie] : [])];
  return holders.some((holder) => {
    let value = propertyOf(holder, 'sameSite');
    while (value && (ts.isAsExpression(value) || ts.isSatisfiesExpression(value) || ts.isParenthesizedExpression(value))) value = value.expression;
    return value !== undefined && (value.kind === ts.SyntaxKind.TrueKeyword || SAME_SITE_SAFE.test(stringValue(value) ?? ''));
  });
}

function resolve(node: ts.Expression | undefined, sf: ts.SourceFile): ts.Expression | undefined {
  if (!node || !ts.isIdentifier(node)) return node;
  return findNodes(sf, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === node.text)?.initializer ?? node;
}

/** Local names bound by `import x from 'mod'`, `import { x } from 'mod'` or `const x = require('mod')`. */
function importedFrom(sf: ts.SourceFile, modules: ReadonlySet<string>): Set<string> {
  const names = new Set<string>();
  for (const imp of findNodes(sf, ts.isImportDeclaration)) {
    if (!modules.has(stringValue(imp.moduleSpecifier) ?? '') || !imp.importClause) continue;
    const clause = imp.importClause;
    if (clause.name) names.add(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) names.add(el.name.text);
  }
  for (const decl of findNodes(sf, ts.isVariableDeclaration)) {
    const init = decl.initializer;
    if (init && ts.isCallExpression(init) && init.expression.getText() === 'require' && modules.has(stringValue(init.arguments[0]) ?? '') && ts.isIdentifier(decl.name)) names.add(decl.name.text);
  }
  return names;
}

function mentionsCsrfInCode(sf: ts.SourceFile): boolean {
  const named = (n: ts.Node): n is ts.Identifier | ts.StringLiteralLike => ts.isIdentifier(n) || ts.isStringLiteralLike(n) || ts.isTemplateLiteralToken(n);
  return findNodes(sf, named).some((n) => CSRF_MENTION.test(n.text) || CSRF_PACKAGES.has(n.text));
}

/** The folder of the nearest package.json above a file. */
function appRoot(ctx: ProbeContext, path: string): string {
  let best = '';
  for (const file of ctx.view.files) {
    if (file.path !== 'package.json' && !file.path.endsWith('/package.json')) continue;
    const dir = file.path.slice(0, -'package.json'.length);
    if (path.startsWith(dir) && dir.length >= best.length) best = dir;
  }
  return best;
}
