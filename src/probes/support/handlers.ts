import type { ProbeContext } from '../context.js';
import type { ts } from './ast.js';
import type { Route } from './routes.js';

/**
 * Each inline route handler once, with the first route that registered it: a handler mounted on several
 * paths (or under several verbs with `router.all`) is one piece of code and earns one finding.
 */
export function uniqueHandlers(ctx: ProbeContext): { route: Route; handler: ts.FunctionLikeDeclaration & { body: ts.ConciseBody } }[] {
  const seen = new Set<ts.Node>();
  const found: { route: Route; handler: ts.FunctionLikeDeclaration & { body: ts.ConciseBody } }[] = [];
  for (const route of ctx.routes()) {
    const handler = route.handler;
    if (!handler?.body || seen.has(handler)) continue;
    seen.add(handler);
    found.push({ route, handler: handler as ts.FunctionLikeDeclaration & { body: ts.ConciseBody } });
  }
  return found;
}
