import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemMap } from '../../src/model/system-map.js';
import { ProbeContext } from '../../src/probes/context.js';
import { collectRepo } from '../../src/repo/collect.js';
import { findSecrets } from '../../src/repo/secrets.js';
import { buildSystemMap } from '../../src/workflow/system-map.js';
import { makeTree } from '../helpers/tree.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples');

async function mapOf(root: string): Promise<SystemMap> {
  return buildSystemMap(new ProbeContext(await collectRepo(root, { git: false })));
}

function route(map: SystemMap, method: string, routePath: string) {
  const found = map.routes.find((r) => r.method === method && r.path === routePath);
  expect(found, `${method} ${routePath}`).toBeDefined();
  return found!;
}

/** Every secret value a format recognises anywhere in the example, read straight from disk. */
function secretValues(root: string): string[] {
  const values: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else values.push(...findSecrets(fs.readFileSync(full, 'utf8')).map((s) => s.value));
    }
  };
  walk(root);
  return values;
}

describe('buildSystemMap() on examples/flawed-shop', () => {
  const root = path.join(EXAMPLES, 'flawed-shop');
  let map: SystemMap;
  beforeAll(async () => {
    map = await mapOf(root);
  });

  it('validates against the schema', () => {
    expect(() => SystemMap.parse(map)).not.toThrow();
  });

  it('lists the Express routes with their authentication', () => {
    expect(map.routes).toHaveLength(17);
    expect(map.limits).toEqual({ routes: 17, truncated: false, omitted: [] });
    expect(route(map, 'GET', '/admin/stats')).toMatchObject({ file: 'src/routes/admin.ts', line: 22, framework: 'express', authenticated: true, guards: ['requireAuth', 'requireAdmin'] });
    expect(route(map, 'GET', '/orders')).toMatchObject({ file: 'src/routes/orders.ts', line: 8, authenticated: true });
    expect(route(map, 'POST', '/orders/:id/refund')).toMatchObject({ file: 'src/routes/orders.ts', line: 30, authenticated: false, guards: [] });
    expect(route(map, 'DELETE', '/products/:id')).toMatchObject({ line: 82, authenticated: false });
    expect(route(map, 'PATCH', '/products/:id')).toMatchObject({ line: 73, authenticated: true });
    expect(route(map, 'POST', '/webhooks/stripe')).toMatchObject({ file: 'src/routes/webhooks.ts', line: 8, authenticated: false });
    expect(route(map, 'POST', '/auth/login').authenticated).toBe(false);
    // Sorted by path, then method.
    expect(map.routes.map((r) => `${r.path} ${r.method}`)).toEqual(map.routes.map((r) => `${r.path} ${r.method}`).sort());
  });

  it('derives the trust boundaries from the routes', () => {
    expect(map.trustBoundaries).toEqual([
      '10 of 17 routes have no authentication check',
      'unauthenticated state-changing routes (not login, webhook or health): POST /orders/:id/refund, DELETE /products/:id',
      'routes whose auth guard is named optional: POST /checkout',
      'webhook routes: POST /webhooks/stripe (no auth)',
      'public auth routes: POST /auth/login, POST /auth/password-reset, POST /auth/password-reset/confirm, POST /auth/register',
      'admin routes: GET /admin/stats, POST /products, PATCH /products/:id, POST /products/generate-descriptions',
    ]);
  });

  it('finds the entry points', () => {
    expect(map.entryPoints).toEqual([
      { file: 'Dockerfile', line: 14, kind: 'start-script', detail: 'CMD ["sh", "-c", "npx prisma migrate deploy && node dist/server.js"]' },
      { file: 'package.json', line: 6, kind: 'package-main', detail: 'main dist/server.js' },
      { file: 'package.json', line: 10, kind: 'start-script', detail: 'npm start: node dist/server.js' },
      { file: 'src/server.ts', line: 6, kind: 'http-listen', detail: 'app.listen(config.port, …)' },
    ]);
  });

  it('finds postgres through Prisma, and the Prisma models', () => {
    expect(map.dataStores).toEqual([{ kind: 'postgres', via: 'prisma', evidence: 'prisma/schema.prisma' }]);
    expect(map.models.map((m) => m.name)).toEqual(['AuditLog', 'Order', 'OrderItem', 'PasswordResetToken', 'Payment', 'Product', 'User']);
    expect(map.models.find((m) => m.name === 'User')).toEqual({ name: 'User', file: 'prisma/schema.prisma', line: 30 });
  });

  it('finds Stripe and OpenAI with the files that import them', () => {
    expect(map.externalServices).toContainEqual({ name: 'Stripe', via: 'stripe', files: ['src/lib/stripe.ts', 'src/routes/webhooks.ts'] });
    expect(map.externalServices).toContainEqual({ name: 'OpenAI', via: 'openai', files: ['src/lib/openai.ts'] });
    expect(map.externalServices).toContainEqual({ name: 'SMTP', via: 'nodemailer', files: ['src/lib/mailer.ts'] });
  });

  it('lists the environment variables read in code and declared in .env', () => {
    const names = map.envVars.map((v) => v.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['JWT_SECRET', 'OPENAI_API_KEY', 'STRIPE_SECRET_KEY', 'SHIPPING_API_KEY', 'SMTP_PASS', 'DATABASE_URL', 'STRIPE_WEBHOOK_SECRET']));
    expect(map.envVars.find((v) => v.name === 'JWT_SECRET')).toEqual({ name: 'JWT_SECRET', files: ['.env', 'src/config.ts'] });
    expect(map.envVars.find((v) => v.name === 'STRIPE_SECRET_KEY')).toEqual({ name: 'STRIPE_SECRET_KEY', files: ['src/lib/stripe.ts'] });
  });

  it('lists the deploy files and the package', () => {
    expect(map.deployFiles).toEqual(['Dockerfile', 'docker-compose.yml']);
    expect(map.packages).toHaveLength(1);
    expect(map.packages[0]).toMatchObject({ path: 'package.json', name: 'larkspur-shop-api' });
    expect(map.packages[0]!.dependencies).toEqual(expect.arrayContaining(['express', 'stripe', 'openai', '@prisma/client']));
    expect(map.packages[0]!.scripts).toEqual(['build', 'db:generate', 'db:migrate', 'dev', 'start', 'typecheck']);
    expect(map.languages).toMatchObject({ typescript: 16, prisma: 1, dockerfile: 1 });
  });

  it('holds no secret value from the example', () => {
    const values = secretValues(root);
    expect(values).toEqual(expect.arrayContaining(['sk_live_GXgTSouKWQvbYpT1Zv6s3ioR', 'larkspur-jwt-7d1f0c9a4be2']));
    const text = JSON.stringify(map);
    for (const value of values) expect(text).not.toContain(value);
  });
});

describe('buildSystemMap() on examples/clean-api', () => {
  const root = path.join(EXAMPLES, 'clean-api');
  let map: SystemMap;
  beforeAll(async () => {
    map = await mapOf(root);
  });

  it('validates and is deterministic', async () => {
    expect(() => SystemMap.parse(map)).not.toThrow();
    expect(await mapOf(root)).toEqual(map);
  });

  it('lists the Fastify routes with their authentication', () => {
    expect(map.routes).toHaveLength(17);
    expect(map.routes.every((r) => r.framework === 'fastify')).toBe(true);
    expect(route(map, 'GET', '/auth/me')).toMatchObject({ file: 'src/routes/auth.ts', line: 66, authenticated: true, guards: ['[app.authenticate]'] });
    expect(route(map, 'POST', '/auth/login')).toMatchObject({ line: 54, authenticated: false });
    expect(route(map, 'GET', '/health')).toMatchObject({ file: 'src/routes/health.ts', line: 8, authenticated: false });
    // Authenticated by the file's `app.addHook('onRequest', app.authenticate)`.
    expect(route(map, 'DELETE', '/tasks/:taskId')).toMatchObject({ file: 'src/routes/tasks.ts', line: 102, authenticated: true });
    expect(route(map, 'POST', '/projects')).toMatchObject({ line: 34, authenticated: true });
    // The webhook sits in its own plugin function: the billing plugin's auth hook does not cover it.
    expect(route(map, 'POST', '/webhooks/stripe')).toMatchObject({ file: 'src/routes/billing.ts', authenticated: false });
    expect(map.trustBoundaries[0]).toBe('5 of 17 routes have no authentication check');
    expect(map.trustBoundaries).toContain('public auth routes: POST /auth/login, POST /auth/register');
    expect(map.trustBoundaries).toContain('health and metrics routes: GET /health (no auth), GET /ready (no auth)');
  });

  it('finds the listen call, postgres via Prisma, Stripe and Postmark', () => {
    expect(map.entryPoints).toContainEqual({ file: 'src/server.ts', line: 53, kind: 'http-listen', detail: 'app.listen({ host: env.HOST, port: env.PORT })' });
    expect(map.entryPoints).toContainEqual({ file: 'Dockerfile', line: 34, kind: 'start-script', detail: 'CMD ["node", "dist/server.js"]' });
    expect(map.dataStores).toEqual([{ kind: 'postgres', via: 'prisma', evidence: 'prisma/schema.prisma' }]);
    expect(map.models.map((m) => m.name)).toEqual(['Project', 'StripeEvent', 'Task', 'User', 'Workspace']);
    expect(map.externalServices).toEqual([
      { name: 'Postmark', via: 'api.postmarkapp.com', files: ['src/lib/mailer.ts'] },
      { name: 'Stripe', via: 'stripe', files: ['src/app.ts', 'src/routes/billing.ts'] },
    ]);
    expect(map.deployFiles).toEqual(['Dockerfile']);
  });

  it('reads env var names from the zod schema and .env.example, and no test file', () => {
    expect(map.envVars.map((v) => v.name)).toEqual([
      'APP_URL', 'CORS_ORIGINS', 'DATABASE_URL', 'HOST', 'JWT_SECRET', 'LOG_LEVEL', 'MAIL_FROM', 'NODE_ENV', 'PORT',
      'POSTMARK_SERVER_TOKEN', 'STRIPE_PRICE_TEAM', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'TRUST_PROXY',
    ]);
    expect(map.envVars.find((v) => v.name === 'JWT_SECRET')!.files).toEqual(['.env.example', 'src/config.ts']);
  });

  it('holds no secret value from the example', () => {
    const text = JSON.stringify(map);
    for (const value of secretValues(root)) expect(text).not.toContain(value);
  });
});

describe('buildSystemMap() on a synthetic tree', () => {
  const SECRET = 'Zq8-sess10n-V4lue-77';
  let root: string;
  let map: SystemMap;
  beforeAll(async () => {
    root = makeTree({
      'package.json': JSON.stringify({ name: 'web', scripts: { start: 'next start' }, dependencies: { next: '15.0.0', '@anthropic-ai/sdk': '1.0.0', bullmq: '5.0.0', zod: '3.0.0' } }),
      'app/layout.tsx': 'export default function Layout({ children }: { children: unknown }) { return children; }\n',
      'app/api/orders/route.ts': [
        "import { getServerSession } from 'next-auth';",
        "import Anthropic from '@anthropic-ai/sdk';",
        "const { DB_HOST, DB_PORT: port, 'QUOTED_NAME': quoted } = process.env;",
        'export async function GET() {',
        "  return Response.json({ base: process.env['API_BASE_URL'], host: DB_HOST, port, quoted });",
        '}',
        'export async function POST(request: Request) {',
        '  const session = await getServerSession();',
        "  if (!session) return new Response('no', { status: 401 });",
        '  return Response.json(await new Anthropic().messages.create(await request.json()));',
        '}',
        '',
      ].join('\n'),
      'src/env.ts': [
        "import { z } from 'zod';",
        'export const env = z.object({ REDIS_URL: z.string(), SENTRY_DSN: z.string().optional() }).parse(process.env);',
        'const name = "DYNAMIC";',
        'export const dynamic = process.env[name];',
        '',
      ].join('\n'),
      'src/client.ts': 'export const key = import.meta.env.VITE_PUBLIC_KEY;\n',
      'src/worker.ts': "import { Worker } from 'bullmq';\nnew Worker('emails', async () => {});\n",
      'src/lambda.ts': 'export const handler = async () => ({ statusCode: 200 });\n',
      '.env.example': `# comment\nexport SESSION_SECRET=${SECRET}\nPLAIN=1\n`,
      'tests/setup.test.ts': 'process.env.ONLY_IN_TESTS = "1";\n',
      '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
      'deploy/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n',
      'deploy/values.yaml': 'replicas: 2\n',
      'fly.toml': 'app = "web"\n',
    });
    map = await mapOf(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads every env var form, names only, and skips tests and dynamic keys', () => {
    expect(map.envVars.map((v) => v.name)).toEqual(['API_BASE_URL', 'DB_HOST', 'DB_PORT', 'PLAIN', 'QUOTED_NAME', 'REDIS_URL', 'SENTRY_DSN', 'SESSION_SECRET', 'VITE_PUBLIC_KEY']);
    expect(map.envVars.find((v) => v.name === 'SESSION_SECRET')!.files).toEqual(['.env.example']);
    expect(JSON.stringify(map)).not.toContain(SECRET);
  });

  it('maps a Next.js route file and its per-handler authentication', () => {
    expect(map.routes).toEqual([
      { method: 'GET', path: '/api/orders', file: 'app/api/orders/route.ts', line: 4, framework: 'nextjs', authenticated: false, guards: [] },
      { method: 'POST', path: '/api/orders', file: 'app/api/orders/route.ts', line: 7, framework: 'nextjs', authenticated: true, guards: [] },
    ]);
    expect(map.trustBoundaries).toEqual(['1 of 2 routes have no authentication check']);
  });

  it('finds the Next.js app, the serverless handler and the queue worker', () => {
    expect(map.entryPoints).toEqual([
      { file: 'app/api/orders/route.ts', line: 1, kind: 'nextjs-app', detail: 'Next.js app router in app/' },
      { file: 'package.json', line: 1, kind: 'start-script', detail: 'npm start: next start' },
      { file: 'src/lambda.ts', line: 1, kind: 'serverless-handler', detail: 'export const handler' },
      { file: 'src/worker.ts', line: 2, kind: 'worker', detail: 'bullmq Worker(emails)' },
    ]);
  });

  it('finds Redis via bullmq, Anthropic, and the deploy files', () => {
    expect(map.dataStores).toEqual([{ kind: 'redis', via: 'bullmq', evidence: 'package.json' }]);
    expect(map.externalServices).toEqual([{ name: 'Anthropic', via: '@anthropic-ai/sdk', files: ['app/api/orders/route.ts'] }]);
    expect(map.deployFiles).toEqual(['.github/workflows/ci.yml', 'deploy/deployment.yaml', 'fly.toml']);
  });
});

describe('buildSystemMap() limits', () => {
  it('caps the route list and file lists, and says so', async () => {
    const handlers = Array.from({ length: 520 }, (_, i) => `app.get('/r${String(i).padStart(3, '0')}', handler);`).join('\n');
    const readers = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`src/read${i}.ts`, 'export const v = process.env.SHARED_NAME;\n']));
    const root = makeTree({ 'src/app.ts': `import express from 'express';\nconst app = express();\nfunction handler() {}\n${handlers}\n`, ...readers });
    try {
      const map = await mapOf(root);
      expect(map.routes).toHaveLength(500);
      expect(map.routes[0]!.path).toBe('/r000');
      expect(map.envVars).toEqual([{ name: 'SHARED_NAME', files: ['src/read0.ts', 'src/read1.ts', 'src/read2.ts', 'src/read3.ts', 'src/read4.ts'] }]);
      expect(map.limits).toEqual({ routes: 520, truncated: true, omitted: ['routes: 500 of 520 listed', 'file lists: 1 cut to 5 paths'] });
      expect(map.trustBoundaries[0]).toBe('520 of 520 routes have no authentication check');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
