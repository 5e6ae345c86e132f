import type { ProbeContext } from '../context.js';
import { mountedPaths, type Route } from './routes.js';

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

/** Whether a route runs an auth check: its own guards, an earlier `use` on its receiver, or a check inside its handler. */
export function routeIsAuthenticated(ctx: ProbeContext, route: Route): boolean {
  if (route.guards.some(authenticates)) return true;
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
