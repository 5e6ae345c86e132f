import type { ProbeContext } from '../context.js';
import { ts } from '../support/ast.js';
import type { Middleware, Route } from '../support/routes.js';
import { defineProbe } from '../types.js';

/** Segments that name a credential check wherever they appear. */
const AUTH_SEGMENT = /^(?:login|log-in|signin|sign-in|sign_in|signup|sign-up|sign_up|forgot-password|forgot_password|reset-password|reset_password|password-reset|password_reset|otp|verify-otp|verify-code|mfa|2fa|two-factor|magic-link|passwordless)$/i;
/** Segments that do only under an auth-ish parent: `/auth/register`, `/password/reset`, but not `/devices/register`. */
const AMBIGUOUS_SEGMENT = /^(?:register|verify|reset|forgot|token|confirm)$/i;
const AUTH_PARENT = /^(?:|api|v\d+|auth|oauth|users?|accounts?|identity|sessions?|password|otp|email|phone|mfa|2fa|customers?|members?)$/i;
/** Rate limiters by name (express-rate-limit, rate-limiter-flexible, @upstash/ratelimit, @nestjs/throttler, express-brute) and CAPTCHAs. */
const LIMITS = /rate-?limit|limiter|throttl|slow-?down|brute|captcha|turnstile/i;

export default defineProbe({
  meta: {
    id: 'auth-route-without-rate-limit',
    title: 'Login or reset route without rate limiting',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-307',
    confidence: 'medium',
    description: 'A login, sign-up, password-reset, OTP or verification route accepts unlimited attempts: no limiter on the route, in front of it, or app-wide.',
    impact: 'Attackers can guess passwords and one-time codes or stuff leaked credentials at full speed, and flood sign-up and reset emails.',
    remediation: 'Put a per-IP and per-account limiter on the route (express-rate-limit, @fastify/rate-limit, @nestjs/throttler, or a limit at the edge) and lock out after repeated failures.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().some(isAuthRoute),
  detect(ctx) {
    const global = hasGlobalLimiter(ctx);
    return ctx
      .routes()
      .filter((route) => isAuthRoute(route) && !redeemsLongToken(route) && (optedOut(route) || (!global && !isLimited(ctx, route))))
      .map((route) => ({
        file: route.file,
        line: route.line,
        message: optedOut(route) ? `${route.method} ${route.path} opts out of the rate limiter.` : `${route.method} ${route.path} has no rate limiting in front of it.`,
      }));
  },
});

function isAuthRoute(route: Route): boolean {
  if (route.method !== 'POST' && route.method !== 'ALL') return false;
  // `/reset-password/:token` is judged by its last fixed segment; `/users/:id/verify` acts on a resource, not a sign-in.
  const segments = route.path.split('/').filter((s) => s !== '');
  const at = segments.findLastIndex((s) => !/^[:[{*]/.test(s));
  const last = segments[at] ?? '';
  if (AUTH_SEGMENT.test(last)) return true;
  const parent = segments[at - 1] ?? '';
  return AMBIGUOUS_SEGMENT.test(last) && (AUTH_PARENT.test(parent) || AUTH_SEGMENT.test(parent));
}

/**
 * Nest's bare `@SkipThrottle()`, Fastify's `config: { rateLimit: false }` and hapi's
 * `plugins: { 'hapi-rate-limit': { enabled: false } }` take the route out of a global limiter.
 */
function optedOut(route: Route): boolean {
  return route.guards.some((guard) => /^@SkipThrottle\(\s*\)$|\brateLimit\s*:\s*false\b/.test(guard) || HAPI_LIMIT_OFF.test(guard));
}

/** hapi's route-level `'hapi-rate-limit': { enabled: false }` (also hapi-rate-limitor, hapi-limiter). */
const HAPI_LIMIT_OFF = /(?:rate-?limit|limiter)\w*['"]\s*:\s*\{[^{}]*\benabled?\s*:\s*false\b/i;
/** A limiter plugin registered with `options: { enabled: false }` (hapi-rate-limit): only routes that opt in are limited. */
const LIMITER_OFF_BY_DEFAULT = /(?:rate-?limit|limiter)\w*['"]\s*\)?\s*,\s*options\s*:\s*\{[^{}]*\benabled?\s*:\s*false\b/i;
/**
 * Redeeming a token the route's schema requires to be at least this long (`Joi.string().length(32)`) cannot be
 * guessed within any request budget; a limiter protects short codes (6-digit OTPs) and passwords.
 */
const UNGUESSABLE_TOKEN_LENGTH = 20;
const TOKEN_FIELD = /\b(?:token|code|resetToken|reset_token)\s*:\s*(?:Joi|z|yup)\.string\(\)[\w.()'"\s]*?\.(?:length|min)\(\s*(\d+)\s*\)/;
const TOKEN_SEGMENT = /^(?:reset|verify|confirm|magic-link|reset-password|reset_password|password-reset|password_reset)$/i;

/** A reset or confirm route (not login or sign-up) whose token is validated as too long to guess. */
function redeemsLongToken(route: Route): boolean {
  const last = route.path.split('/').filter((s) => s !== '' && !/^[:[{*]/.test(s)).pop() ?? '';
  if (!TOKEN_SEGMENT.test(last)) return false;
  const length = TOKEN_FIELD.exec(route.validate?.getText() ?? '')?.[1];
  return length !== undefined && Number(length) >= UNGUESSABLE_TOKEN_LENGTH;
}

function isLimited(ctx: ProbeContext, route: Route): boolean {
  if (route.guards.some((guard) => LIMITS.test(guard))) return true;
  // Class-level `@Throttle(...)` on a Nest controller is not among the route's guards.
  const owner = route.handler?.parent;
  if (owner && ts.isClassDeclaration(owner) && (ts.getDecorators(owner) ?? []).some((d) => LIMITS.test(d.getText()))) return true;
  // Upstash-style limits live in the handler: `const { success } = await ratelimit.limit(ip)`.
  if (LIMITS.test(route.handler?.getText() ?? '')) return true;
  return ctx.middleware().some((m) => m.file === route.file && m.line < route.line && m.receiver === route.receiver && limitsEverything(m));
}

/** `@fastify/rate-limit` with `global: false`, or hapi-rate-limit with `enabled: false`, limits only the routes that opt in. */
function limitsEverything(middleware: Middleware): boolean {
  return LIMITS.test(middleware.text) && !/global\s*:\s*false/.test(middleware.text) && !LIMITER_OFF_BY_DEFAULT.test(middleware.text);
}

/**
 * Any limiter mounted with `use`/`register`/`useGlobalGuards` counts as app-wide: which router a
 * middleware ends up on is not visible statically, and a false stop-ship costs more than a miss.
 */
function hasGlobalLimiter(ctx: ProbeContext): boolean {
  if (ctx.middleware().some(limitsEverything)) return true;
  return ctx.scripts(['APP_GUARD', 'middleware']).some(
    (file) =>
      // Nest: `{ provide: APP_GUARD, useClass: ThrottlerGuard }`; Next.js: a root middleware.ts that limits.
      (/APP_GUARD/.test(file.text) && /Throttler\w*Guard/.test(file.text)) || (/(?:^|\/)(?:src\/)?middleware\.[cm]?[jt]s$/.test(file.path) && LIMITS.test(file.text)),
  );
}
