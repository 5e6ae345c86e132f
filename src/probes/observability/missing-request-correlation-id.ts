import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, lineOf, propertyOf, ts } from '../support/ast.js';
import { bootstrapLine, errorHandlers, isLogCall } from '../support/error-handlers.js';
import type { Route } from '../support/routes.js';
import { defineProbe, type Hit } from '../types.js';

/**
 * Packages that assign or propagate a per-request id (loggers that stamp one, async-context ids, tracing agents).
 * hapi-pino and koa-pino-logger bind the framework's request id (`request.info.id`, pino-http's `req.id`) to every request's log lines.
 */
const ID_PACKAGES = /^(?:cls-rtracer|express-request-id|express-correlation-id|correlation-id|pino-http|express-pino-logger|hapi-pino|koa-pino-logger|nestjs-pino|nestjs-cls|@nestjs-cls\/\w+|dd-trace|newrelic|elastic-apm-node|@opentelemetry\/.+|@sentry\/opentelemetry\w*|hono-request-id)$/;
const ID_NAME = /requestId|reqId|correlationId|traceId|genReqId|rtracer|traceparent/i;
const ID_HEADER = /^(?:x-request-id|x-correlation-id|request-id|correlation-id|traceparent|x-amzn-trace-id|x-cloud-trace-context|x-b3-traceid)$/i;
const DEV_ONLY_PATH = /(?:^|\/)(?:scripts?|tools|mocks?|examples?|demo|dev)\//;

export default defineProbe({
  meta: {
    id: 'missing-request-correlation-id',
    title: 'No request or correlation id',
    category: 'Observability',
    severity: 'LOW',
    phase: 7,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: 'An HTTP server assigns and propagates no request or correlation id: no x-request-id handling, no requestId in logs, no pino-http, cls-rtracer, Fastify logger or OpenTelemetry.',
    impact: 'The log lines of one failing request cannot be pulled out of the stream or followed across services, so every incident starts with guesswork and a user’s report cannot be matched to what happened.',
    remediation: 'Accept an incoming x-request-id (or traceparent) or generate one per request, bind it to every log line (pino-http genReqId, cls-rtracer, Fastify’s logger), return it in a response header, and forward it on outgoing calls.',
    effort: 'hours',
  },
  applies: (ctx) => judgedRoutes(ctx).length > 0,
  detect(ctx) {
    const roots = packageRoots(ctx);
    const routes = judgedRoutes(ctx);
    const servers = new Set(routes.map((route) => rootOf(route.file.path, roots)));
    const packages = new Map(manifests(ctx).map((m) => [m.file.path.slice(0, -'package.json'.length), m]));
    const hits: Hit[] = [];
    for (const root of servers) {
      // Own code and manifest, the repository root's, and those of workspace libraries this server depends on.
      const uses = new Set(packages.get(root)?.deps ?? []);
      const inScope = (path: string): boolean => {
        const owner = rootOf(path, roots);
        return owner === root || (!servers.has(owner) && (owner === '' || uses.has(packages.get(owner)?.name ?? '')));
      };
      if ([...packages.values()].some(({ file, deps }) => inScope(file.path) && deps.some((dep) => ID_PACKAGES.test(dep)))) continue;
      if (ctx.scripts().some((file) => inScope(file.path) && carriesId(ctx, file))) continue;
      hits.push({ ...anchor(ctx, root, roots, routes), message: 'This server never assigns or reads a request or correlation id, so its log lines cannot be tied to one request or followed across services.' });
    }
    return hits;
  },
});

/**
 * Where a server's missing request id bites: the log line of its error handler (the one line an incident
 * starts from), else the line that creates the app, else its first route.
 */
function anchor(ctx: ProbeContext, root: string, roots: readonly string[], routes: readonly Route[]): { file: SourceFile; line: number } {
  const own = (file: SourceFile): boolean => rootOf(file.path, roots) === root && !DEV_ONLY_PATH.test(file.path);
  const handler = errorHandlers(ctx).find((h) => own(h.file));
  if (handler) {
    const log = findNodes(handler.fn, ts.isCallExpression).find(isLogCall);
    return { file: handler.file, line: lineOf(log ?? handler.fn) };
  }
  for (const file of ctx.scripts(['express', 'fastify', 'Fastify', 'NestFactory', 'Koa', 'Hono', 'createServer']).filter(own)) {
    const line = bootstrapLine(ctx, file);
    if (line !== undefined) return { file, line };
  }
  const first = routes.find((route) => own(route.file)) ?? routes.find((route) => rootOf(route.file.path, roots) === root)!;
  return { file: first.file, line: first.line };
}

/** Routes of long-running servers; Next.js route handlers get request ids from their platform. */
function judgedRoutes(ctx: ProbeContext): Route[] {
  return ctx
    .routes()
    .filter((route) => route.framework !== 'nextjs' && !DEV_ONLY_PATH.test(route.file.path))
    .sort((a, b) => (a.file.path === b.file.path ? a.line - b.line : a.file.path < b.file.path ? -1 : 1));
}

/** A request-id name or header in the code, or a Fastify instance with its logger on (it logs `reqId` per request). */
function carriesId(ctx: ProbeContext, file: SourceFile): boolean {
  if (!/request|req|correlation|trace|logger/i.test(file.text)) return false;
  const sf = ctx.ast(file);
  if (findNodes(sf, ts.isIdentifier).some((id) => ID_NAME.test(id.text))) return true;
  if (findNodes(sf, ts.isStringLiteralLike).some((s) => ID_HEADER.test(s.text))) return true;
  if (findNodes(sf, ts.isPropertyAccessExpression).some(isHapiRequestId)) return true;
  return findNodes(sf, ts.isCallExpression).some((call) => {
    const options = call.arguments[0];
    if (!/^fastify$/i.test(calleeName(call)) || !options || !ts.isObjectLiteralExpression(options)) return false;
    const logger = propertyOf(options, 'logger') ?? propertyOf(options, 'loggerInstance');
    return logger !== undefined && logger.kind !== ts.SyntaxKind.FalseKeyword;
  });
}

/** `request.info.id`: hapi's own per-request id, read to stamp it on log lines or responses. */
function isHapiRequestId(access: ts.PropertyAccessExpression): boolean {
  return access.name.text === 'id' && ts.isPropertyAccessExpression(access.expression) && access.expression.name.text === 'info' && /^(?:request|req)$/.test(access.expression.expression.getText());
}

function manifests(ctx: ProbeContext): { file: SourceFile; name: string; deps: string[] }[] {
  return ctx.view.files
    .filter((file) => file.path === 'package.json' || file.path.endsWith('/package.json'))
    .map((file) => {
      try {
        const pkg = JSON.parse(file.text) as { name?: string } & Record<string, Record<string, string> | undefined>;
        return { file, name: typeof pkg.name === 'string' ? pkg.name : '', deps: ['dependencies', 'devDependencies'].flatMap((field) => Object.keys(pkg[field] ?? {})) };
      } catch {
        return { file, name: '', deps: [] };
      }
    });
}

function packageRoots(ctx: ProbeContext): string[] {
  return manifests(ctx).map(({ file }) => file.path.slice(0, -'package.json'.length));
}

/** The directory of the nearest package.json above `path` ('' for the repository root). */
function rootOf(path: string, roots: readonly string[]): string {
  return roots.filter((root) => path.startsWith(root)).sort((a, b) => b.length - a.length)[0] ?? '';
}
