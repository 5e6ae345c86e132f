import type { ProbeContext } from '../context.js';
import { lineOf, stringValue, ts } from './ast.js';
import { hapiAuth, mountedPaths, type HapiAuth, type Route } from './routes.js';
import { moduleKey, resolveImport } from './imports.js';

/** Names that mean "this request is authenticated" in middleware, hooks and guards. */
export const AUTH_WORDS = /\b\w*(?:auth|Auth|jwt|Jwt|JWT|session|Session|passport|requireUser|isLoggedIn|loggedIn|requireLogin|protect|Protect|guard|Guard|verifyToken|currentUser|clerk|Clerk|withUser|ensureUser|apiKey|ApiKey|internalOnly|InternalOnly|requireInternal|RequireInternal|internalKey|InternalKey)\w*\b/;

/** `optionalAuth`, `maybeUser`, `tryAuth`: decode a user when there is one, reject nobody. */
const OPTIONAL_AUTH = /\b\w*(?:optional|Optional|maybe|Maybe|try|Try|soft|Soft)\w*(?:auth|Auth|user|User|session|Session)\w*\b|\b\w*(?:auth|Auth)\w*(?:optional|Optional)\w*\b/;

/** True when a guard's text names an authentication check that actually rejects anonymous callers. */
function authenticates(text: string): boolean {
  return AUTH_WORDS.test(text.replace(new RegExp(OPTIONAL_AUTH.source, 'g'), ''));
}

/** Paths that are public by nature: signing in cannot require being signed in. */
const PUBLIC_PATH = /(?:^|\/)(?:login|signin|sign-in|signup|sign-up|register|logout|auth|oauth|callback|webhooks?|health|healthz|ready|readyz|live|livez|metrics|status|forgot|reset|verify|public)(?:\/|$|\?|-)/i;

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATH.test(path);
}

const hapiDefaults = new WeakMap<ProbeContext, HapiAuth | undefined>();

/**
 * The auth every hapi route gets unless it says otherwise: `server.auth.default('session')` or
 * `server.auth.default({ strategy, mode })` anywhere in the target. Found once per audit; the strictest
 * default wins when several servers set one.
 */
export function hapiDefaultAuth(ctx: ProbeContext): HapiAuth | undefined {
  if (hapiDefaults.has(ctx)) return hapiDefaults.get(ctx);
  let found: HapiAuth | undefined;
  for (const file of ctx.scripts(['auth.default('])) {
    for (const call of ctx.calls(file)) {
      const callee = call.expression;
      if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'default' || !/(?:^|\.)auth$/.test(callee.expression.getText())) continue;
      const mode = hapiAuth(call.arguments[0]);
      if (mode === 'required' || (mode === 'optional' && found === undefined)) found = mode;
    }
  }
  hapiDefaults.set(ctx, found);
  return found;
}

/** A hapi route's effective auth: its own setting, else the server default. */
function hapiRouteAuth(ctx: ProbeContext, route: Route): HapiAuth | undefined {
  return route.auth ?? hapiDefaultAuth(ctx);
}

/** Whether a route runs an auth check: its own guards, an earlier `use` on its receiver, or a check inside its handler. */
export function routeIsAuthenticated(ctx: ProbeContext, route: Route): boolean {
  if (route.framework === 'hapi') {
    // hapi authenticates through route config and the server default, not middleware: a registered
    // auth plugin (`server.register(hapiAuthJwt)`) only makes a scheme available.
    if (hapiRouteAuth(ctx, route) === 'required' || route.guards.some(authenticates)) return true;
    const body = route.handler?.body?.getText() ?? '';
    return /\b(?:verify(?:Token|Jwt|Session)\w*\(|jwt\.verify\(|requireUser\(|authenticate\()/.test(body) || /!\s*request\.auth\.(?:isAuthenticated|credentials)\b/.test(body);
  }
  if (route.guards.some(authenticates) || mountedBehindAuth(ctx, route)) return true;
  const appWide = ctx
    .middleware()
    .some((m) => m.file === route.file && m.line < route.line && m.receiver === route.receiver && m.scope === route.scope && authenticates(m.text));
  if (appWide) return true;
  // Next.js handlers and hand-rolled checks authenticate in the body: getServerSession, auth(), verifyToken(...)
  const body = route.handler?.body?.getText() ?? '';
  return /\b(?:getServerSession|getSession|auth\(\)|currentUser\(|verify(?:Token|Jwt|Session)\w*\(|jwt\.verify\(|requireUser\(|authenticate\(|getAuth\(|req\.user\b|request\.user\b|req\.session\.user)/.test(body);
}

/** True when the target authenticates anything at all: then an unguarded mutating route is an omission, not a design. */
export function appHasAuth(ctx: ProbeContext): boolean {
  return ctx.routes().some((route) => routeIsAuthenticated(ctx, route)) || ctx.middleware().some((m) => authenticates(m.text));
}

/** Guards that limit a route to staff (who may see every record) or that check ownership themselves. */
const PRIVILEGED = /admin|Admin|role|Role|permission|Permission|polic|Polic|owner|Owner|abilit|Abilit|staff|Staff|superuser|casl|Casl/;

/** Routes limited to staff (who may see every record), or whose guards check roles, policies or ownership themselves. */
export function staffOnly(ctx: ProbeContext, route: Route): boolean {
  // An admin router (by name or mount path) is staff-only by design; whether it checks the role is admin-route-without-role-check's question.
  if (mountedPaths(route, ctx.middleware()).some((path) => /(?:^|\/)(?:admin|internal|staff|backoffice)(?:\/|$)/i.test(path)) || /^(?:admin|staff|backoffice)\w*$/i.test(route.receiver ?? '')) return true;
  if (route.guards.some((g) => PRIVILEGED.test(g))) return true;
  return ctx.middleware().some((m) => m.file === route.file && m.line < route.line && m.receiver === route.receiver && PRIVILEGED.test(m.text));
}

/** Where a router file is mounted: `app.use('/admin', requireAuth, require('./routes/admin'))` gives `/admin` and its guards' texts. */
export interface RouterMount {
  readonly path: string | undefined;
  readonly guards: readonly string[];
}

const routerMountCache = new WeakMap<ProbeContext, ReadonlyMap<string, readonly RouterMount[]>>();

/**
 * The mounts of the router a route's file exports, found where another file mounts that module by a relative
 * `require('./routes/admin')` inline or by a name it imported (`import adminRouter from './admin'`).
 */
export function routerMountsOf(ctx: ProbeContext, route: Route): readonly RouterMount[] {
  let mounts = routerMountCache.get(ctx);
  if (!mounts) {
    mounts = findRouterMounts(ctx);
    routerMountCache.set(ctx, mounts);
  }
  return mounts.get(moduleKey(route.file.path)) ?? [];
}

/**
 * Whether the route's file is a router mounted behind authentication elsewhere. Express runs a mount's
 * middleware before every route of the mounted router, so those routes are authenticated although nothing
 * in their own file says so.
 */
export function mountedBehindAuth(ctx: ProbeContext, route: Route): boolean {
  return routerMountsOf(ctx, route).some((mount) => mount.guards.some(authenticates));
}

function findRouterMounts(ctx: ProbeContext): Map<string, RouterMount[]> {
  const found = new Map<string, RouterMount[]>();
  const useLines = new Map<string, number[]>();
  for (const m of ctx.middleware()) useLines.set(m.file.path, [...(useLines.get(m.file.path) ?? []), m.line]);
  for (const file of ctx.scripts()) {
    const lines = useLines.get(file.path);
    if (!lines) continue;
    for (const call of ctx.calls(file)) {
      if (!ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== 'use' || call.arguments.length === 0 || !lines.includes(lineOf(call))) continue;
      const args = call.arguments;
      const specifier = moduleOfRouter(ctx.ast(file), args[args.length - 1]!);
      if (!specifier?.startsWith('.')) continue;
      const target = resolveImport(file.path, specifier);
      const mount = { path: stringValue(args[0]), guards: args.slice(0, -1).filter((arg) => !ts.isStringLiteralLike(arg)).map((arg) => arg.getText()) };
      found.set(target, [...(found.get(target) ?? []), mount]);
    }
  }
  return found;
}

/** The module a mounted router comes from: `require('./x')` inline, or a name bound by `import`/`require` in the file. */
function moduleOfRouter(sf: ts.SourceFile, router: ts.Expression): string | undefined {
  if (ts.isCallExpression(router) && router.expression.getText() === 'require') return stringValue(router.arguments[0]);
  if (!ts.isIdentifier(router)) return undefined;
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause?.name?.text === router.text) return stringValue(statement.moduleSpecifier);
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      const init = decl.initializer;
      if (ts.isIdentifier(decl.name) && decl.name.text === router.text && init && ts.isCallExpression(init) && init.expression.getText() === 'require') return stringValue(init.arguments[0]);
    }
  }
  return undefined;
}
