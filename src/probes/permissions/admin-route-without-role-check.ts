import type { ProbeContext } from '../context.js';
import { propertyOf, topLevelDeclarations, ts } from '../support/ast.js';
import { AUTH_WORDS, routerMountsOf } from '../support/auth.js';
import { MUTATING, mountedPaths, type Middleware, type Route } from '../support/routes.js';
import { defineProbe, type Hit } from '../types.js';

/** Receivers that by their name serve staff only. */
const ADMIN_RECEIVER = /^(?:admin|staff|backoffice|superuser)\w*$/i;
/** Authorisation beyond being signed in: a role, permission, policy or ability check. */
const ROLE_CHECK = /admin|Admin|role|Role|permission|Permission|polic|Polic|abilit|Abilit|staff|Staff|superuser|Superuser|authori[sz]e|Authori[sz]e|\bcan\(|casl|scope|Scope/;

/** A handler checking the caller's own role (not a `role` field it reads or writes): `req.user.role !== 'admin'`, `hasRole(`. */
const CALLER_ROLE_CHECK = /\b(?:req|request|ctx)\.(?:user|auth|session)\S*\.(?:role|roles|isAdmin|permissions|scope)\b|hasRole|isAdmin|authori[sz]e\(|\bcan\(/;

export default defineProbe({
  meta: {
    id: 'admin-route-without-role-check',
    title: 'Admin routes check sign-in but not the admin role',
    category: 'Permissions',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-285',
    confidence: 'medium',
    description: 'An admin router or admin-mounted routes require authentication, but no middleware, guard or handler checks that the caller is an administrator.',
    impact: 'Any registered user can call the admin endpoints: list every account, ban users, delete data, run maintenance tasks.',
    remediation: 'Add a role check (`requireRole(\'admin\')`, a RolesGuard, a policy) next to the authentication middleware on the admin router, and test that a normal user gets 403.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.middleware().some((m) => ADMIN_RECEIVER.test(m.receiver) || ROLE_CHECK.test(m.text)),
  detect(ctx) {
    return [...routersWithoutRoleCheck(ctx), ...routesAheadOfRoleCheck(ctx), ...hapiRoutesMissingSiblingScope(ctx)];
  },
});

function routersWithoutRoleCheck(ctx: ProbeContext): Hit[] {
  const middleware = ctx.middleware();
  const routes = ctx.routes();
  const receivers = new Map<string, typeof middleware[number][]>();
  for (const m of middleware) {
    const key = `${m.file.path}\0${m.receiver}`;
    receivers.set(key, [...(receivers.get(key) ?? []), m]);
  }
  return [...receivers.values()].flatMap((uses): Hit[] => {
    const { file, receiver } = uses[0]!;
    const own = routes.filter((r) => r.file === file && r.receiver === receiver);
    const admin = ADMIN_RECEIVER.test(receiver) || own.some((r) => mountedPaths(r, middleware).some((p) => /(?:^|\/)admin(?:\/|$)/i.test(p)));
    const auth = uses.find((m) => AUTH_WORDS.test(m.text) && !ROLE_CHECK.test(m.text.replace(/^\s*['"`][^'"`]*['"`]\s*,/, '')));
    if (!admin || !auth || own.length === 0) return [];
    // A role check anywhere on the way in: on the router, where it is mounted, or in each route.
    if (uses.some((m) => ROLE_CHECK.test(m.text.replace(/^\s*['"`][^'"`]*['"`]\s*,/, '')))) return [];
    if (middleware.some((m) => m.file !== file && new RegExp(`\\b${receiver}\\b`).test(m.text) && ROLE_CHECK.test(m.text.replace(/^\s*['"`][^'"`]*['"`]\s*,/, '').replace(new RegExp(`\\b${receiver}\\b`, 'g'), '')))) return [];
    if (own.every((r) => r.guards.some((g) => ROLE_CHECK.test(g)) || ROLE_CHECK.test(r.handler?.body?.getText() ?? ''))) return [];
    return [{ file, line: auth.line, message: `${receiver} requires a signed-in user but never checks for the admin role, so every user reaches its ${own.length} route(s).` }];
  });
}

/**
 * Express runs a router's middleware in registration order: a state-changing route registered on an admin
 * router above its `router.use(requireRole('admin'))` is reached by every signed-in user. Only routers
 * mounted behind authentication count (by the router's own `use` or where its file is mounted), since a
 * public route ahead of the checks is then an omission rather than a sign-in page.
 */
function routesAheadOfRoleCheck(ctx: ProbeContext): Hit[] {
  const middleware = ctx.middleware();
  return ctx.routes().flatMap((route): Hit[] => {
    if (route.framework !== 'express' || !MUTATING.has(route.method) || !isAdminRouter(ctx, route, middleware)) return [];
    const uses = middleware.filter((m) => m.file === route.file && m.receiver === route.receiver && m.scope === route.scope);
    const roleCheck = uses.find((m) => m.line > route.line && ROLE_CHECK.test(withoutMountPath(m.text)));
    if (!roleCheck || uses.some((m) => m.line < route.line && ROLE_CHECK.test(withoutMountPath(m.text)))) return [];
    const signedIn = uses.some((m) => m.line < route.line && AUTH_WORDS.test(m.text)) || routerMountsOf(ctx, route).some((mount) => mount.guards.some((g) => AUTH_WORDS.test(g)));
    if (!signedIn || route.guards.some((g) => ROLE_CHECK.test(g)) || CALLER_ROLE_CHECK.test(route.handler?.body?.getText() ?? '')) return [];
    return [{ file: route.file, line: route.line, message: `${route.method} ${route.path} is registered above ${route.receiver}'s role check (line ${roleCheck.line}), so every signed-in user can call it.` }];
  });
}

function isAdminRouter(ctx: ProbeContext, route: Route, middleware: readonly Middleware[]): boolean {
  if (ADMIN_RECEIVER.test(route.receiver ?? '')) return true;
  const paths = [...mountedPaths(route, middleware), ...routerMountsOf(ctx, route).map((mount) => mount.path ?? '')];
  return paths.some((p) => /(?:^|\/)(?:admin|staff|backoffice)(?:\/|$)/i.test(p));
}

function withoutMountPath(text: string): string {
  return text.replace(/^\s*['"`][^'"`]*['"`]\s*,/, '');
}

/**
 * hapi restricts a route to a role with `options.auth.access.scope` (often a shared `const adminOnly =
 * { access: { scope: 'admin' } }`). When most authenticated routes of a plugin carry such a scope, one
 * without it (a route made public with `auth: false` is deliberate) is reached by every signed-in user.
 */
function hapiRoutesMissingSiblingScope(ctx: ProbeContext): Hit[] {
  // Routes are compared with those registered by the same plugin (the same `register` function).
  const groups = new Map<ts.Node | string, Route[]>();
  for (const route of ctx.routes()) {
    if (route.framework !== 'hapi' || !route.handler) continue;
    const key = route.scope ?? route.file.path;
    groups.set(key, [...(groups.get(key) ?? []), route]);
  }
  return [...groups.values()].flatMap((all): Hit[] => {
    const routes = all.filter((route) => route.auth !== 'off');
    const scoped = routes.filter(hasAccessScope);
    if (scoped.length < 2 || scoped.length * 2 <= routes.length) return [];
    const seen = new Set<number>();
    return routes
      .filter((route) => !scoped.includes(route) && !CALLER_ROLE_CHECK.test(route.handler?.body?.getText() ?? ''))
      .filter((route) => !seen.has(route.line) && seen.add(route.line))
      .map((route) => ({ file: route.file, line: route.line, message: `${route.method} ${route.path} has no auth scope, while ${scoped.length} other routes of this plugin require one: every signed-in user can call it.` }));
  });
}

/** The route's `options.auth` names an access scope, inline or through a constant of its file. */
function hasAccessScope(route: Route): boolean {
  if (route.guards.some((g) => g.startsWith('scope:'))) return true;
  let config: ts.Node | undefined = route.handler;
  while (config && !(ts.isObjectLiteralExpression(config) && propertyOf(config, 'path'))) config = config.parent;
  if (!config || !ts.isObjectLiteralExpression(config)) return false;
  const options = propertyOf(config, 'options') ?? propertyOf(config, 'config');
  const auth = options && ts.isObjectLiteralExpression(options) ? propertyOf(options, 'auth') : undefined;
  if (!auth) return false;
  const text = ts.isIdentifier(auth) ? (topLevelDeclarations(auth.getSourceFile()).get(auth.text)?.getText() ?? '') : auth.getText();
  return /\b(?:scope|access)\s*:/.test(text);
}
