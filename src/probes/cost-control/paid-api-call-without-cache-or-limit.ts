import type { ProbeContext } from '../context.js';
import type { SourceFile } from '../../repo/view.js';
import { calleeName, enclosingFunction, enclosingLoop, findNodes, isFunctionLike, lineOf, propertyOf, topLevelDeclarations, ts } from '../support/ast.js';
import { appHasAuth, routeIsAuthenticated } from '../support/auth.js';
import { mountedPaths, type Middleware, type Route } from '../support/routes.js';
import { paidHelperCalled, paidHttpProvider, paidProvider, type PaidHelper } from '../support/paid-apis.js';
import { requestFlow } from '../support/request-flow.js';
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
    description: 'A route handler calls a paid AI, SMS, email or maps API (OpenAI, Anthropic, Gemini, Replicate, Twilio, Vonage, Resend, SendGrid, Mailgun, Postmark, Google Maps, Mapbox, Vercel AI SDK; an SDK or plain HTTP), directly or through a helper of its own file or one it imports, on every request with no cache and no rate limit or quota. Staff-only routes are left out; on a signed-in route only calls fed by request data count, and a message only counts when the caller chooses its recipient or content.',
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
      if (!body || mountedPaths(route, ctx.middleware()).some((path) => NOT_USER_DRIVEN.test(path))) continue;
      const sf = ctx.ast(route.file);
      const bindings = topLevelBindings(sf);
      // Staff spend on the business's behalf, like the admin paths above.
      if ([...route.guards, hapiAuthText(route) ?? ''].some((text) => STAFF.test(withBindings(text, bindings)))) continue;
      if (isLimited(ctx, route, bindings)) continue;
      const aiSdk = /from\s+['"]ai['"]/.test(route.file.text);
      const billed = billedCalls(ctx, route.file, body, aiSdk);
      const reached = [body, ...localCallees(sf, body), ...billed.flatMap(({ helper }) => (helper ? [helper.fn] : []))];
      const code = withBindings(reached.map((node) => PRINTER.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile())).join('\n'), bindings);
      if (LIMITS.test(code) || CACHED.test(code)) continue;
      // Inside a loop the cost multiplies: unbounded-paid-api-loop judges those, and a route that loops over paid
      // calls is reported there once, not again for the single call beside the loop.
      if (billed.some(({ call }) => enclosingLoop(call) || insideCallback(call))) continue;
      const found = billed[0];
      if (!found) continue;
      // A signed-in user replaying a call on stored data (their own record, a fixed prompt) spends what the product
      // meant to spend per click; what needs a limit is a public route, or one whose input the caller chooses.
      if (routeIsAuthenticated(ctx, route) && !billed.some(({ call }) => carriesRequestData(call))) continue;
      // A message to an address already on file (a password reset to the account's email) is bounded by the
      // accounts that exist; one to an address the caller types in is SMS pumping or mail relaying.
      if (billed.every(({ call, provider }) => MESSAGING.test(provider) && !carriesRequestData(call))) continue;
      // Only when nothing in the app authenticates is the route surely public; auth mounted elsewhere is not always visible.
      const open = publicApp ? ' Nothing in the application authenticates, so anyone on the internet can spend.' : '';
      const through = found.helper ? ` through ${found.helper.name}()` : '';
      hits.push({ file: route.file, line: lineOf(found.call), ...(open ? { severity: 'HIGH' as const } : {}), message: `${route.method} ${route.path} calls ${found.provider} (${calleeName(found.helper?.call ?? found.call)})${through} on every request with no cache, rate limit or quota.${open}` });
    }
    return hits;
  },
});


/** A paid call the handler makes: directly, or through a helper of its file or one it imports (the call site is then the helper call). */
interface Billed {
  readonly call: ts.CallExpression;
  readonly provider: string;
  readonly helper?: PaidHelper;
}

function billedCalls(ctx: ProbeContext, file: SourceFile, body: ts.Node, aiSdk: boolean): Billed[] {
  return findNodes(body, ts.isCallExpression).flatMap((call): Billed[] => {
    const provider = paidProvider(call, aiSdk) ?? paidHttpProvider(call);
    if (provider) return [{ call, provider }];
    const helper = paidHelperCalled(ctx, file, call);
    return helper ? [{ call, provider: helper.provider, helper }] : [];
  });
}

/** Casts and string trims keep request data; a lookup keyed by it (`findFirst({ where: { id } })`) returns stored data instead. */
const KEEPS_REQUEST_DATA = /(?:^|\.)(?:slice|substring|substr|trim|toLowerCase|toUpperCase|join|map|filter|toString|concat|String|stringify|encodeURIComponent)$/;
const REQUEST_FIELDS = /^(?:body|query|params|json|formdata|text|payload|searchparams|get|param|files?|parts)$/;

/** Whether the request's body, query, params or payload reach the call's arguments (the signed-in user's id does not count). */
function carriesRequestData(call: ts.CallExpression): boolean {
  const flow = requestFlow(call, KEEPS_REQUEST_DATA, (field) => REQUEST_FIELDS.test(field));
  if (!flow) return true;
  return call.arguments.some((arg) => [arg, ...findNodes(arg, (n): n is ts.Expression => (ts.isIdentifier(n) && !isPropertyName(n)) || ts.isPropertyAccessExpression(n) || ts.isCallExpression(n))].some((n) => flow.carries(n)));
}

/** `user.email` and `{ email: x }` name a property, not the local `email`. */
function isPropertyName(id: ts.Identifier): boolean {
  const parent = id.parent;
  return ((ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent)) && parent.name === id);
}

/** Providers billed per message sent to a recipient. */
const MESSAGING = /Twilio|Vonage|SendGrid|Mailgun|Postmark|Resend/;

/** Who may call a hapi route: `auth: { access: { scope: 'admin' } }`, `auth: adminOnly`. */
const STAFF = /admin|staff|backoffice/i;

/** The text of a hapi route's `options.auth` (`config.auth`), found from its inline handler. */
function hapiAuthText(route: Route): string | undefined {
  if (route.framework !== 'hapi') return undefined;
  for (let node: ts.Node | undefined = route.handler; node; node = node.parent) {
    if (!ts.isObjectLiteralExpression(node)) continue;
    const options = propertyOf(node, 'options') ?? propertyOf(node, 'config');
    const auth = options && ts.isObjectLiteralExpression(options) ? propertyOf(options, 'auth') : propertyOf(node, 'auth');
    if (auth) return auth.getText();
    if (propertyOf(node, 'path')) return undefined;
  }
  return undefined;
}

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

/** `@fastify/rate-limit` with `global: false` (hapi-rate-limit with `enabled: false`) limits only routes that opt in. */
function limitsEverything(middleware: Middleware): boolean {
  return LIMITS.test(middleware.text) && !/(?:global|enabled)\s*:\s*false/.test(middleware.text);
}

/** Nest's APP_GUARD ThrottlerGuard, or a Next.js root middleware that limits. */
function hasGlobalLimiter(ctx: ProbeContext): boolean {
  return ctx.scripts(['APP_GUARD', 'middleware']).some(
    (file) => (/APP_GUARD/.test(file.text) && /Throttler\w*Guard/.test(file.text)) || (/(?:^|\/)(?:src\/)?middleware\.[cm]?[jt]s$/.test(file.path) && LIMITS.test(file.text)),
  );
}

