import { appHasAuth, isPublicPath, routeIsAuthenticated } from '../support/auth.js';
import { MUTATING } from '../support/routes.js';
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
      .filter((route) => MUTATING.has(route.method) && !isPublicPath(route.path) && !routeIsAuthenticated(ctx, route))
      .map((route) => ({ file: route.file, line: route.line, message: `${route.method} ${route.path} runs without any authentication check.` }));
  },
});
