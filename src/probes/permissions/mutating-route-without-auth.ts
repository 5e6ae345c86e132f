import { appHasAuth, isPublicPath, routeIsAuthenticated } from '../support/auth.js';
import type { ProbeContext } from '../context.js';
import { MUTATING, mountedPaths, type Route } from '../support/routes.js';
import { defineProbe } from '../types.js';

export default defineProbe({
  meta: {
    id: 'mutating-route-without-auth',
    title: 'State-changing route without authentication',
    category: 'Permissions',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-862',
    confidence: 'medium',
    description: 'A POST/PUT/PATCH/DELETE route runs no authentication, although the application authenticates other routes.',
    impact: 'Anyone on the internet can create, change or delete data through this route.',
    remediation: 'Put the same authentication middleware or guard on the route as on its siblings, then check that the caller owns the resource.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    if (!appHasAuth(ctx)) return [];
    return ctx
      .routes()
      .filter((route) => MUTATING.has(route.method) && !isPublicPath(route.path) && !isWebhook(ctx, route) && !routeIsAuthenticated(ctx, route))
      .map((route) => ({ file: route.file, line: route.line, message: `${route.method} ${route.path} runs without any authentication check.` }));
  },
});

/**
 * Webhooks authenticate by signature, not by session: whether they check it is
 * webhook-without-signature-check's question. A route is one when its router, its file or its
 * handler says so (a `webhookRoutes` router with a prefix, a `stripe-signature` header read).
 */
function isWebhook(ctx: ProbeContext, route: Route): boolean {
  if (/webhook/i.test(route.receiver ?? '') || /(?:^|\/)webhooks?[/.]/i.test(route.file.path)) return true;
  if (mountedPaths(route, ctx.middleware()).some((path) => /(?:^|\/)webhooks?(?:\/|$)/i.test(path))) return true;
  return /signature|webhook/i.test(route.handler?.body?.getText() ?? '');
}
