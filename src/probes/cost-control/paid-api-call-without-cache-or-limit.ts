import type { ProbeContext } from '../context.js';
import { calleeName, enclosingFunction, enclosingLoop, findNodes, isFunctionLike, lineOf, topLevelDeclarations, ts } from '../support/ast.js';
import { appHasAuth } from '../support/auth.js';
import type { Middleware, Route } from '../support/routes.js';
import { paidProvider } from '../support/paid-apis.js';
import { defineProbe, type Hit } from '../types.js';

/** Calls billed per call or per token (the list unbounded-paid-api-loop bills by). */
/** Rate limiters by name, and per-user quotas or credit balances checked before spending. */
const LIMITS = /rate-?limit|limiter|throttl|slow-?down|quota|credits?\b|allowance/i;
/** A cache in front of the call: a cache client, LRU, Redis/KV, memoisation or Next's data cache. */
const CACHED = /cache|\blru\b|redis|\bkv\b|memoi[sz]|upstash/i;
/** Prints code without comments: a comment saying "cache this later" is not a cache. */
const PRINTER = ts.createPrinter({ removeComments: true });
/** Provider callbacks and scheduled jobs are not driven by users. */
const NOT_USER_DRIVEN = /webhook|cron|jobs?\b|tasks?\b|internal|admin/i;

export default defineProbe({
  meta: {
    id: 'paid-api-call-without-cache-or-limit',
    title: 'Paid API called on every request without cache or limit',
    category: 'Cost Control',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'medium',
    description: 'A route handler calls a paid AI, SMS or email API (OpenAI, Anthropic, Gemini, Replicate, Twilio, Resend, SendGrid, Vercel AI SDK) on every request with no cache and no rate limit or quota in front of the route.',
    impact: 'Every request is billed: a script, a retry loop in a client or one abusive user can run up the bill without limit, and burst traffic exhausts the provider quota for everyone.',
    remediation: 'Put a per-user rate limit or usage quota on the route (express-rate-limit, @upstash/ratelimit, credits checked before the call), and cache results for repeated inputs where answers can be reused.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    if (ctx.middleware().some(limitsEverything) || hasGlobalLimiter(ctx)) return [];
    const hits: Hit[] = [];
    const publicApp = !appHasAuth(ctx);
    for (const route of ctx.routes()) {
      const body = route.handler?.body;
      if (!body || NOT_USER_DRIVEN.test(route.path)) continue;
      const sf = ctx.ast(route.file);
      const bindings = topLevelBindings(sf);
      if (isLimited(ctx, route, bindings)) continue;
      const aiSdk = /from\s+['"]ai['"]/.test(route.file.text);
      const reached = [body, ...localCallees(sf, body)];
      const code = withBindings(reached.map((node) => PRINTER.printNode(ts.EmitHint.Unspecified, node, sf)).join('\n'), bindings);
      if (LIMITS.test(code) || CACHED.test(code)) continue;
      const paid = reached.flatMap((node) => findNodes(node, ts.isCallExpression)).map((call) => ({ call, provider: paidProvider(call, aiSdk) }));
      // Inside a loop the cost multiplies: unbounded-paid-api-loop judges those, and a route that loops over paid
      // calls is reported there once, not again for the single call beside the loop.
      const billed = paid.filter(({ provider }) => provider);
      if (billed.some(({ call }) => enclosingLoop(call) || insideCallback(call))) continue;
      const found = billed[0];
      if (!found) continue;
      // Only when nothing in the app authenticates is the route surely public; auth mounted elsewhere is not always visible.
      const open = publicApp ? ' Nothing in the application authenticates, so anyone on the internet can spend.' : '';
      hits.push({ file: route.file, line: lineOf(found.call), ...(open ? { severity: 'HIGH' as const } : {}), message: `${route.method} ${route.path} calls ${found.provider} (${calleeName(found.call)}) on every request with no cache, rate limit or quota.${open}` });
    }
    return hits;
  },
});


/** `items.map((x) => openai...)`: a call per item, as a loop is. */
function insideCallback(call: ts.Node): boolean {
  const fn = enclosingFunction(call);
  return !!fn && ts.isCallExpression(fn.parent) && /\.(?:map|forEach|flatMap)$/.test(calleeName(fn.parent));
}

/** Bodies of the file's own functions the handler calls by name: `summarise(text)` declared below the route. */
function localCallees(sf: ts.SourceFile, body: ts.Node): ts.Node[] {
  const names = new Set(findNodes(body, ts.isCallExpression).filter((c) => ts.isIdentifier(c.expression)).map((c) => calleeName(c)));
  const bodies: ts.Node[] = [];
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && names.has(statement.name.text) && statement.body) bodies.push(statement.body);
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && names.has(d.name.text) && d.initializer && isFunctionLike(d.initializer)) bodies.push(d.initializer);
    }
  }
  return bodies;
}

/** Initialisers of the file's top-level constants: `const perUser = rateLimit(...)`, `const answers = new LRUCache(...)`. */
function topLevelBindings(sf: ts.SourceFile): Map<string, string> {
  const bindings = new Map<string, string>();
  for (const [name, d] of topLevelDeclarations(sf)) if (ts.isVariableDeclaration(d) && d.initializer) bindings.set(name, d.initializer.getText());
  return bindings;
}

/** The code plus what the names it uses were initialised with, so a limiter or cache held in a variable is seen. */
function withBindings(code: string, bindings: Map<string, string>): string {
  return [code, ...new Set(code.match(/[\w$]+/g) ?? [])].map((word, i) => (i === 0 ? word : (bindings.get(word) ?? ''))).join('\n');
}

function isLimited(ctx: ProbeContext, route: Route, bindings: Map<string, string>): boolean {
  if (route.guards.some((guard) => LIMITS.test(withBindings(guard, bindings)))) return true;
  const owner = route.handler?.parent;
  if (owner && ts.isClassDeclaration(owner) && (ts.getDecorators(owner) ?? []).some((d) => LIMITS.test(d.getText()))) return true;
  return ctx.middleware().some((m) => m.file === route.file && m.line < route.line && m.receiver === route.receiver && LIMITS.test(withBindings(m.text, bindings)));
}

/** `@fastify/rate-limit` with `global: false` limits only routes that opt in. */
function limitsEverything(middleware: Middleware): boolean {
  return LIMITS.test(middleware.text) && !/global\s*:\s*false/.test(middleware.text);
}

/** Nest's APP_GUARD ThrottlerGuard, or a Next.js root middleware that limits. */
function hasGlobalLimiter(ctx: ProbeContext): boolean {
  return ctx.scripts(['APP_GUARD', 'middleware']).some(
    (file) => (/APP_GUARD/.test(file.text) && /Throttler\w*Guard/.test(file.text)) || (/(?:^|\/)(?:src\/)?middleware\.[cm]?[jt]s$/.test(file.path) && LIMITS.test(file.text)),
  );
}

