import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SystemMap } from '../../src/model/system-map.js';
import { CATEGORIES } from '../../src/model/taxonomy.js';
import { ProbeContext } from '../../src/probes/context.js';
import { collectRepo } from '../../src/repo/collect.js';
import { buildSystemMap } from '../../src/workflow/system-map.js';
import { detectSystemType, PRIORITY, priorityOf, SYSTEM_TYPES, type SystemType } from '../../src/workflow/system-type.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples');

async function mapOf(example: string): Promise<SystemMap> {
  return buildSystemMap(new ProbeContext(await collectRepo(path.join(EXAMPLES, example), { git: false })));
}

/** A schema-valid map with nothing in it but what a scenario adds. */
function syntheticMap(parts: Partial<SystemMap>): SystemMap {
  return SystemMap.parse({
    languages: { typescript: 10 },
    packages: [],
    entryPoints: [],
    routes: [],
    dataStores: [],
    models: [],
    externalServices: [],
    envVars: [],
    deployFiles: [],
    trustBoundaries: [],
    limits: { routes: parts.routes?.length ?? 0, truncated: false, omitted: [] },
    ...parts,
  });
}

const models = (...names: string[]) => names.map((name, i) => ({ name, file: 'prisma/schema.prisma', line: 10 * (i + 1) }));
const service = (name: string, via: string) => ({ name, via, files: ['src/lib/client.ts'] });
const route = (method: 'GET' | 'POST' | 'DELETE', routePath: string) => ({ method, path: routePath, file: 'src/routes.ts', line: 1, framework: 'fastify' as const, authenticated: true, guards: ['authenticate'] });
const pkg = (...dependencies: string[]) => [{ path: 'package.json', name: 'app', dependencies: dependencies.sort(), scripts: ['start'] }];

describe('detectSystemType() on the bundled examples', () => {
  let shop: SystemMap;
  let api: SystemMap;
  beforeAll(async () => {
    [shop, api] = await Promise.all([mapOf('flawed-shop'), mapOf('clean-api')]);
  });

  it('flawed-shop is e-commerce: orders, products, checkout and Stripe outweigh its OpenAI calls', () => {
    expect(detectSystemType(shop)).toEqual({
      type: 'e-commerce',
      reasons: [
        'e-commerce: score 6 (ai-pipeline 2, api-platform 0, saas 0).',
        'commerce models: Order, OrderItem, Product (+3)',
        'cart, checkout, order or product routes: POST /checkout, GET /orders, GET /orders/:id, 8 more (+2)',
        'payments next to orders or products: Stripe (+1)',
        'also ai-pipeline: AI model services: OpenAI (+2)',
      ],
    });
  });

  it('clean-api is saas: workspaces and projects, with Stripe as subscription billing', () => {
    expect(detectSystemType(api)).toEqual({
      type: 'saas',
      reasons: [
        'saas: score 4 (e-commerce 0, ai-pipeline 0, api-platform 0).',
        'tenant, team or project models: Project, Workspace (+3)',
        'payments with no orders or products (subscriptions): Stripe (+1)',
      ],
    });
  });

  it('a launch context adds to the map, it does not overrule strong evidence', () => {
    const result = detectSystemType(shop, 'image generation for product photos');
    expect(result.type).toBe('e-commerce');
    expect(result.reasons[0]).toBe('e-commerce: score 6 (ai-pipeline 5, api-platform 0, saas 0).');
    expect(result.reasons).toContain('also ai-pipeline: launch context says "image generation" (+3)');
  });
});

describe('detectSystemType() on synthetic maps', () => {
  it('an image-generation pipeline: model services, a queue worker, media and job models', () => {
    const map = syntheticMap({
      packages: pkg('bullmq', 'openai', 'replicate', 'sharp'),
      externalServices: [service('AWS S3', '@aws-sdk/client-s3'), service('OpenAI', 'openai'), service('Replicate', 'replicate')],
      entryPoints: [{ file: 'src/worker.ts', line: 3, kind: 'worker', detail: 'bullmq Worker "generations"' }],
      models: models('Asset', 'Generation', 'Project', 'User'),
      routes: [route('POST', '/generations'), route('GET', '/generations/:id')],
    });
    expect(detectSystemType(map)).toEqual({
      type: 'ai-pipeline',
      reasons: [
        'ai-pipeline: score 10 (saas 3, e-commerce 0, api-platform 0).',
        'AI model services: OpenAI, Replicate (+2)',
        'AI job models: Generation (+3)',
        'queues or workers next to AI services: bullmq, bullmq Worker "generations" (+2)',
        'media handling next to AI services: sharp, AWS S3, Asset (+2)',
        'generation routes: POST /generations, GET /generations/:id (+1)',
        'also saas: tenant, team or project models: Project (+3)',
      ],
    });
  });

  it('a developer API: API keys, /v1 routes, webhook endpoints, usage quotas and published docs', () => {
    const map = syntheticMap({
      packages: pkg('@fastify/swagger', 'fastify', 'stripe'),
      externalServices: [service('Stripe', 'stripe')],
      models: models('ApiKey', 'UsageRecord', 'WebhookDelivery', 'WebhookEndpoint'),
      routes: [route('POST', '/v1/charges'), route('GET', '/v1/charges/:id'), route('GET', '/v1/webhook-endpoints'), route('DELETE', '/v1/webhook-endpoints/:id'), route('POST', '/webhooks/stripe')],
      envVars: [{ name: 'RATE_LIMIT_TIER_DEFAULT', files: ['src/config.ts'] }],
    });
    expect(detectSystemType(map)).toEqual({
      type: 'api-platform',
      reasons: [
        'api-platform: score 10 (saas 1, e-commerce 0, ai-pipeline 0).',
        'API key models: ApiKey (+3)',
        'versioned routes: POST /v1/charges, GET /v1/charges/:id, GET /v1/webhook-endpoints, 1 more (+2)',
        'webhook delivery: WebhookDelivery, WebhookEndpoint, GET /v1/webhook-endpoints, DELETE /v1/webhook-endpoints/:id (+2)',
        'rate-limit tiers or quotas: UsageRecord, RATE_LIMIT_TIER_DEFAULT (+2)',
        'developer portal or published API docs: @fastify/swagger (+1)',
        'also saas: payments with no orders or products (subscriptions): Stripe (+1)',
      ],
    });
  });

  it('a Stripe Checkout session for a plan is subscription billing, a /checkout route is a shop', () => {
    const stripe = [service('Stripe', 'stripe')];
    expect(detectSystemType(syntheticMap({ externalServices: stripe, routes: [route('POST', '/billing/checkout-session')] })).type).toBe('saas');
    expect(detectSystemType(syntheticMap({ externalServices: stripe, routes: [route('POST', '/checkout')] }))).toEqual({
      type: 'e-commerce',
      reasons: ['e-commerce: score 3 (ai-pipeline 0, api-platform 0, saas 0).', 'cart, checkout, order or product routes: POST /checkout (+2)', 'payments next to orders or products: Stripe (+1)'],
    });
  });

  it('a queue and a bucket with no model service are not an AI pipeline', () => {
    const map = syntheticMap({ packages: pkg('bullmq', 'sharp'), externalServices: [service('AWS S3', '@aws-sdk/client-s3')], models: models('Image', 'Job') });
    expect(detectSystemType(map).type).toBe('saas');
    expect(detectSystemType(map).reasons).toEqual(['No e-commerce, AI-pipeline, API-platform or SaaS evidence in the system map or the launch context: saas by default.']);
  });

  it('an empty map with no context is saas, and says it is a default', () => {
    expect(detectSystemType(syntheticMap({}))).toEqual({
      type: 'saas',
      reasons: ['No e-commerce, AI-pipeline, API-platform or SaaS evidence in the system map or the launch context: saas by default.'],
    });
  });

  it('breaks a tie by the stated order and says so', () => {
    const map = syntheticMap({ models: models('Order', 'Workspace') });
    expect(detectSystemType(map)).toEqual({
      type: 'e-commerce',
      reasons: [
        'e-commerce: score 3 (saas 3, ai-pipeline 0, api-platform 0).',
        'Tie with saas at 3: broken by the order e-commerce > ai-pipeline > api-platform > saas (the costlier mistake first).',
        'commerce models: Order (+3)',
        'also saas: tenant, team or project models: Workspace (+3)',
      ],
    });
  });

  it.each([
    ['B2B SaaS for 20 enterprise customers', 'saas', '"B2B", "SaaS"'],
    ['open-sourcing the API for developers, 1M requests/day', 'api-platform', '"API for developers"'],
    ['Black Friday sale on the store, expecting 10x traffic', 'e-commerce', '"Black Friday", "store"'],
    ['launching our marketplace', 'e-commerce', '"marketplace"'],
    ['image generation app, launching on the App Store', 'ai-pipeline', '"image generation"'],
  ] as const)('with an empty map, the launch context decides: %s', (context, type, words) => {
    expect(detectSystemType(syntheticMap({}), context)).toEqual({
      type,
      reasons: [expect.stringMatching(new RegExp(`^${type}: score 3 `)), `launch context says ${words} (+3)`],
    });
  });
});

describe('PRIORITY: the master checklist’s orderings', () => {
  it.each(SYSTEM_TYPES)('%s orders all fifteen categories, each once', (type) => {
    expect(PRIORITY[type]).toHaveLength(15);
    expect([...PRIORITY[type]].sort()).toEqual([...CATEGORIES].sort());
  });

  // Copied from the checklist's numbered lists, weeks 1 to 4.
  const SEED: Record<SystemType, string> = {
    'ai-pipeline': 'Cost Control, Idempotency, Reliability, Recovery, State Machine, Observability, Throughput, Concurrency, Data Lifecycle, Permissions, Security, Human Error, UI/UX Safety, Code Quality, Data Integrity',
    saas: 'Permissions, Security, Concurrency, State Machine, Data Integrity, Recovery, Observability, Throughput, Human Error, Idempotency, Reliability, Data Lifecycle, Cost Control, UI/UX Safety, Code Quality',
    'e-commerce': 'Idempotency, Security, State Machine, Concurrency, Reliability, Recovery, Permissions, Throughput, Observability, Data Integrity, Cost Control, Data Lifecycle, Human Error, UI/UX Safety, Code Quality',
    'api-platform': 'Idempotency, Security, Throughput, Observability, Concurrency, Reliability, Cost Control, State Machine, Permissions, Recovery, Data Integrity, Data Lifecycle, Human Error, UI/UX Safety, Code Quality',
  };
  it.each(SYSTEM_TYPES)('%s matches the checklist exactly', (type) => {
    expect(PRIORITY[type].join(', ')).toBe(SEED[type]);
  });

  it('priorityOf() is 1-based', () => {
    expect(priorityOf('ai-pipeline', 'Cost Control')).toBe(1);
    expect(priorityOf('ai-pipeline', 'Data Integrity')).toBe(15);
    expect(priorityOf('saas', 'Permissions')).toBe(1);
    expect(priorityOf('saas', 'Idempotency')).toBe(10);
    expect(priorityOf('e-commerce', 'Idempotency')).toBe(1);
    expect(priorityOf('e-commerce', 'Permissions')).toBe(7);
    expect(priorityOf('api-platform', 'Throughput')).toBe(3);
    expect(priorityOf('api-platform', 'Cost Control')).toBe(7);
    for (const type of SYSTEM_TYPES) expect(priorityOf(type, 'Code Quality')).toBe(type === 'ai-pipeline' ? 14 : 15);
  });
});
