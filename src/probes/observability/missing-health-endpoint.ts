import type { ProbeContext } from '../context.js';
import { findNodes, lineOf, ts } from '../support/ast.js';
import { httpListenCalls } from '../support/http-server.js';
import { defineProbe, type Hit } from '../types.js';

/** `/health`, `/api/healthz`, `/actuator/health`, `/health/ready`, `/status`, `/ping`: at the root or under an api/version/internal prefix. */
const HEALTH_PATH = /^\/(?:(?:api|v\d+|internal|_?system|management|actuator|ops|-|_)\/)*_?(?:health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|liveness|status|ping|heartbeat)(?:\/[\w-]*)?\/?$/i;
const HEALTH_PACKAGES = ['@nestjs/terminus', '@godaddy/terminus', 'lightship', 'express-healthcheck', 'express-actuator', 'fastify-healthcheck', '@hapi/hapi-alive'];
/** Platforms that run handlers per request and probe nothing themselves. */
const SERVERLESS_PACKAGES = ['serverless-http', '@vendia/serverless-express', '@codegenie/serverless-express', '@netlify/functions'];
/** Mock servers and dev tooling are not what gets deployed. */
const DEV_ONLY_PATH = /(?:^|\/)(?:scripts?|tools|mocks?|examples?|demo|dev)\//;

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
      .scripts(['.listen(', '.start()'])
      .filter((file) => !DEV_ONLY_PATH.test(file.path))
      .flatMap((file) => httpListenCalls(ctx.ast(file)).slice(0, 1).map((call) => ({ file, line: lineOf(call) })));
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
