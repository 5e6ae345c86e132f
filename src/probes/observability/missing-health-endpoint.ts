import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** `/health`, `/api/healthz`, `/actuator/health`, `/health/ready`, `/status`, `/ping`: at the root or under an api/version/internal prefix. */
const HEALTH_PATH = /^\/(?:(?:api|v\d+|internal|_?system|management|actuator|ops|-|_)\/)*_?(?:health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|liveness|status|ping|heartbeat)(?:\/[\w-]*)?\/?$/i;
const HEALTH_PACKAGES = ['@nestjs/terminus', '@godaddy/terminus', 'lightship', 'express-healthcheck', 'express-actuator', 'fastify-healthcheck', '@hapi/hapi-alive'];
/** Platforms that run handlers per request and probe nothing themselves. */
const SERVERLESS_PACKAGES = ['serverless-http', '@vendia/serverless-express', '@codegenie/serverless-express', '@netlify/functions'];
const HTTP_MODULES = /^(?:express|fastify|koa|@nestjs\/core|(?:node:)?https?|hono|@hono\/node-server|restify|@hapi\/hapi|polka|next)$/;
/** Mock servers and dev tooling are not what gets deployed. */
const DEV_ONLY_PATH = /(?:^|\/)(?:scripts?|tools|mocks?|examples?|demo|dev)\//;
const NON_HTTP_SERVER = /\b(?:net|tls|dgram)\.create|WebSocket|\bnew\s+(?:net\.)?Server\b|createConnection/;

interface Servers {
  readonly listens: Hit[];
  readonly firstRoute: Hit | undefined;
}
const memo = new WeakMap<ProbeContext, Servers>();

export default defineProbe({
  meta: {
    id: 'missing-health-endpoint',
    title: 'HTTP server without a health check route',
    category: 'Observability',
    severity: 'MEDIUM',
    phase: 7,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: 'The application runs an HTTP server but exposes no health or readiness route (/health, /healthz, /ready, /livez, /status, /ping) and uses no health-check library.',
    impact: 'Load balancers and orchestrators cannot tell a hung or half-started instance from a healthy one, so they keep sending it traffic and never restart it.',
    remediation: 'Add a cheap unauthenticated GET /healthz (process up) and a /readyz that checks the database and other hard dependencies, and point the platform’s health check at them.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer() && (servers(ctx).listens.length > 0 || servers(ctx).firstRoute !== undefined),
  detect(ctx) {
    if (ctx.hasDependency(...HEALTH_PACKAGES) || hasHealthRoute(ctx)) return [];
    const { listens, firstRoute } = servers(ctx);
    const message = 'This HTTP server exposes no health or readiness route, so nothing outside it can tell whether it is able to serve.';
    return (listens.length > 0 ? listens : firstRoute ? [firstRoute] : []).map((hit) => ({ ...hit, message }));
  },
});

function servers(ctx: ProbeContext): Servers {
  let found = memo.get(ctx);
  if (!found) {
    const listens = ctx
      .scripts(['.listen('])
      .filter((file) => !DEV_ONLY_PATH.test(file.path))
      .flatMap((file) => httpListens(file, ctx.ast(file)).slice(0, 1));
    const routes = [...ctx.routes()].sort((a, b) => (a.file.path === b.file.path ? a.line - b.line : a.file.path < b.file.path ? -1 : 1));
    // Next.js route handlers deployed to a serverless platform are probed by the platform; in a container they are not.
    const containerised = ctx.files(['dockerfile']).length > 0;
    const judged = routes.filter((r) => !DEV_ONLY_PATH.test(r.file.path) && (r.framework === 'nextjs' ? containerised : !ctx.hasDependency(...SERVERLESS_PACKAGES)));
    found = { listens, firstRoute: judged[0] && { file: judged[0].file, line: judged[0].line } };
    memo.set(ctx, found);
  }
  return found;
}

/** A health route declared, mounted (`app.use('/health', router)`) or matched by hand (`req.url === '/healthz'`). */
function hasHealthRoute(ctx: ProbeContext): boolean {
  if (ctx.routes().some((route) => HEALTH_PATH.test(route.path))) return true;
  return ctx.scripts([/['"`]\/[\w/-]*(?:health|ready|live|status|ping|heartbeat)/i]).some((file) =>
    findNodes(ctx.ast(file), (n): n is ts.StringLiteral => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)).some((s) => HEALTH_PATH.test(s.text)),
  );
}

/** `app.listen(PORT)`, `server.listen({ port })` on an HTTP server, not a TCP or WebSocket one. */
function httpListens(file: SourceFile, sf: ts.SourceFile): Hit[] {
  const imported = new Map<string, string>();
  for (const imp of findNodes(sf, ts.isImportDeclaration)) {
    const from = stringValue(imp.moduleSpecifier) ?? '';
    for (const name of importedNames(imp)) imported.set(name, from);
  }
  const requires = findNodes(sf, ts.isCallExpression).filter((c) => c.expression.getText() === 'require').map((c) => stringValue(c.arguments[0]) ?? '');
  const importsHttp = [...imported.values(), ...requires].some((from) => HTTP_MODULES.test(from));
  const declarations = new Map(findNodes(sf, ts.isVariableDeclaration).map((d) => [d.name.getText(), d.initializer?.getText() ?? '']));

  return findNodes(sf, ts.isCallExpression).flatMap((call) => {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'listen' || !isPortLike(call.arguments[0])) return [];
    const receiver = callee.expression.getText().replace(/^this\./, '');
    if (NON_HTTP_SERVER.test(declarations.get(receiver) ?? '')) return [];
    // `import app from './app'`, or `const app = createApp()` with createApp from a local module.
    const factory = /^(?:await\s+)?([\w$]+)\(/.exec(declarations.get(receiver) ?? '')?.[1];
    const fromLocalModule = /app|server|api/i.test(receiver) && [receiver, factory].some((name) => name !== undefined && (imported.get(name) ?? '').startsWith('.'));
    return importsHttp || fromLocalModule || /createServer|express\(|fastify\(|NestFactory/i.test(declarations.get(receiver) ?? '') ? [{ file, line: lineOf(call) }] : [];
  });
}

function isPortLike(arg: ts.Expression | undefined): boolean {
  if (!arg) return false;
  if (ts.isNumericLiteral(arg)) return true;
  if (ts.isObjectLiteralExpression(arg)) return propertyOf(arg, 'port') !== undefined;
  return /port/i.test(arg.getText());
}

function importedNames(imp: ts.ImportDeclaration): string[] {
  const clause = imp.importClause;
  if (!clause) return [];
  const names = clause.name ? [clause.name.text] : [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
  if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((e) => e.name.text));
  return names;
}
