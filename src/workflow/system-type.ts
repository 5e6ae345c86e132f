import type { SystemMap } from '../model/system-map.js';
import type { Category } from '../model/taxonomy.js';

/** The four system types of the master checklist; each has its own priority ordering of the fifteen categories. */
export type SystemType = 'ai-pipeline' | 'saas' | 'e-commerce' | 'api-platform';

/**
 * Tie order: the type whose mistakes cost money most directly wins an equal score — double charges
 * (e-commerce), then runaway paid-API spend (ai-pipeline), then client retries at scale (api-platform).
 * saas is the general-purpose default, so it loses every tie.
 */
export const SYSTEM_TYPES: readonly SystemType[] = ['e-commerce', 'ai-pipeline', 'api-platform', 'saas'];

/** The master checklist's "Priority Ordering by System Type", item 1 first: weeks 1–4 are items 1–4, 5–7, 8–10, 11–15. */
export const PRIORITY: Record<SystemType, readonly Category[]> = {
  'ai-pipeline': [
    'Cost Control', 'Idempotency', 'Reliability', 'Recovery',
    'State Machine', 'Observability', 'Throughput',
    'Concurrency', 'Data Lifecycle', 'Permissions',
    'Security', 'Human Error', 'UI/UX Safety', 'Code Quality', 'Data Integrity',
  ],
  saas: [
    'Permissions', 'Security', 'Concurrency', 'State Machine',
    'Data Integrity', 'Recovery', 'Observability',
    'Throughput', 'Human Error', 'Idempotency',
    'Reliability', 'Data Lifecycle', 'Cost Control', 'UI/UX Safety', 'Code Quality',
  ],
  'e-commerce': [
    'Idempotency', 'Security', 'State Machine', 'Concurrency',
    'Reliability', 'Recovery', 'Permissions',
    'Throughput', 'Observability', 'Data Integrity',
    'Cost Control', 'Data Lifecycle', 'Human Error', 'UI/UX Safety', 'Code Quality',
  ],
  'api-platform': [
    'Idempotency', 'Security', 'Throughput', 'Observability',
    'Concurrency', 'Reliability', 'Cost Control',
    'State Machine', 'Permissions', 'Recovery',
    'Data Integrity', 'Data Lifecycle', 'Human Error', 'UI/UX Safety', 'Code Quality',
  ],
};

/** 1-based rank of a category for a system type: 1 is audited first. */
export function priorityOf(type: SystemType, category: Category): number {
  return PRIORITY[type].indexOf(category) + 1;
}

/** One kind of evidence: what it is called in a reason, what it is worth, and the names it found. */
interface Rule {
  readonly type: SystemType;
  readonly label: string;
  /** 3 = names the domain outright (models, the person's own words); 2 = strong shape (routes, services); 1 = supporting only. */
  readonly weight: number;
  readonly find: (map: SystemMap, facts: Facts) => string[];
}

/** What several rules share, computed once. */
interface Facts {
  readonly services: Set<string>;
  readonly deps: Set<string>;
  readonly ai: string[];
  readonly commerce: boolean;
}

const AI_SERVICES = new Set(['OpenAI', 'Anthropic', 'Replicate', 'Google Gemini', 'Mistral', 'Cohere', 'AWS Bedrock']);
const AI_PACKAGES = new Set(['ai', 'langchain', '@langchain/core', 'llamaindex', '@huggingface/inference', '@fal-ai/client', '@fal-ai/serverless-client']);
const QUEUE_PACKAGES = new Set(['bullmq', 'bull', 'bee-queue', 'pg-boss', 'agenda', 'inngest', '@trigger.dev/sdk', 'graphile-worker']);
const QUEUE_SERVICES = new Set(['AWS SQS', 'Upstash QStash']);
const MEDIA_PACKAGES = new Set(['sharp', 'fluent-ffmpeg', 'ffmpeg-static', '@ffmpeg/ffmpeg', 'jimp']);
const MEDIA_SERVICES = new Set(['AWS S3', 'Cloudinary', 'Vercel Blob', 'Google Cloud Storage', 'Azure Blob Storage']);
const PAYMENT_SERVICES = new Set(['Stripe', 'PayPal', 'Braintree', 'Lemon Squeezy']);
const DOC_PACKAGES = new Set(['@fastify/swagger', 'swagger-ui-express', 'swagger-jsdoc', '@nestjs/swagger', 'redoc', 'redoc-express', '@scalar/api-reference']);

const AI_MODELS = /^(?:Generation|Prompt|Completion|Embedding|Inference|Prediction|Render|Transcript(?:ion)?)s?$/;
const MEDIA_MODELS = /^(?:Asset|Image|Video|Media|Upload|Job)s?$/;
const COMMERCE_MODELS = /^(?:Order|OrderItem|OrderLine|LineItem|Cart|CartItem|Product|ProductVariant|Variant|Inventory|InventoryItem|Sku|Shipment|Coupon|Discount|Refund)s?$/;
const TENANT_MODELS = /^(?:Organi[sz]ation|Org|Team|Workspace|Tenant|Project|Membership|Member|TeamMember|WorkspaceMember|OrganizationMember|Invite|Invitation)s?$/;
const KEY_MODELS = /^(?:Api|API)(?:Key|Token|Client|Credential)s?$|^(?:AccessKey|ClientCredential|PersonalAccessToken)s?$/;
const WEBHOOK_MODELS = /^(?:Webhook|WebhookEndpoint|WebhookDelivery|WebhookSubscription|OutgoingWebhook)s?$/;
const QUOTA_MODELS = /^(?:RateLimit|RateLimitTier|Quota|UsageRecord|Usage|ApiUsage|Tier)s?$/;

const COMMERCE_SEGMENTS = /^(?:carts?|checkout|orders?|products?|inventory|shipping|shipments|coupons|refunds)$/;
const TENANT_SEGMENTS = /^(?:invites?|invitations?|members|memberships|teams|workspaces|organi[sz]ations|orgs|tenants)$/;
const AI_SEGMENTS = /^(?:generate|generations|renders?|transcri\w*|completions|inference|predictions)$/;
const DOC_SEGMENTS = /^(?:docs|developers|openapi\.json|openapi\.ya?ml|swagger(?:\.json)?|reference)$/;
const VERSIONED = /(?:^|\/)v\d+(?:\/|$)/;

/** The person's own words about the product. A phrase, not a single generic word: "app store" is not a shop. */
const CONTEXT_WORDS: Record<SystemType, RegExp> = {
  'e-commerce': /\b(?:(?<!app |play |data |object )stores?|(?:online )?shop|marketplace|e-?commerce|checkout|shopping carts?|retail|merchants|sellers|black friday|cyber monday|flash sales?)\b/gi,
  'ai-pipeline': /\b(?:AI|LLMs?|GPT\w*|gen-?AI|image generation|video (?:generation|processing)|(?:content|media|ML) pipelines?|generative|inference|transcription|embeddings|diffusion|text-to-\w+)\b/gi,
  'api-platform': /\b(?:APIs? (?:for|to) developers|developer (?:API|platform|portal)|public API|API[- ]first|API (?:platform|keys|product)|SDKs?|integration platform|data service)\b/gi,
  saas: /\b(?:SaaS|B2B|multi-?tenant|tenants|workspaces|CRM|project management|collaboration)\b/gi,
};

const RULES: readonly Rule[] = [
  { type: 'ai-pipeline', label: 'AI model services', weight: 2, find: (_, f) => f.ai },
  { type: 'ai-pipeline', label: 'AI job models', weight: 3, find: (map) => modelNames(map, AI_MODELS) },
  // A queue, a bucket or an Image model is only AI evidence next to a model service: every app has queues.
  { type: 'ai-pipeline', label: 'queues or workers next to AI services', weight: 2, find: (map, f) => (f.ai.length ? [...has(f.deps, QUEUE_PACKAGES), ...has(f.services, QUEUE_SERVICES), ...map.entryPoints.filter((e) => e.kind === 'worker').map((e) => e.detail)] : []) },
  { type: 'ai-pipeline', label: 'media handling next to AI services', weight: 2, find: (map, f) => (f.ai.length ? [...has(f.deps, MEDIA_PACKAGES), ...has(f.services, MEDIA_SERVICES), ...modelNames(map, MEDIA_MODELS)] : []) },
  { type: 'ai-pipeline', label: 'generation routes', weight: 1, find: (map) => routesWith(map, AI_SEGMENTS) },
  { type: 'e-commerce', label: 'commerce models', weight: 3, find: (map) => modelNames(map, COMMERCE_MODELS) },
  { type: 'e-commerce', label: 'cart, checkout, order or product routes', weight: 2, find: (map) => routesWith(map, COMMERCE_SEGMENTS) },
  { type: 'e-commerce', label: 'payments next to orders or products', weight: 1, find: (_, f) => (f.commerce ? has(f.services, PAYMENT_SERVICES) : []) },
  { type: 'saas', label: 'tenant, team or project models', weight: 3, find: (map) => modelNames(map, TENANT_MODELS) },
  { type: 'saas', label: 'membership or invite routes', weight: 2, find: (map) => routesWith(map, TENANT_SEGMENTS) },
  // Stripe with no orders and no products is subscription billing: the SaaS shape.
  { type: 'saas', label: 'payments with no orders or products (subscriptions)', weight: 1, find: (_, f) => (f.commerce ? [] : has(f.services, PAYMENT_SERVICES)) },
  { type: 'api-platform', label: 'API key models', weight: 3, find: (map) => modelNames(map, KEY_MODELS) },
  { type: 'api-platform', label: 'versioned routes', weight: 2, find: (map) => firstFew(map.routes.filter((r) => VERSIONED.test(r.path)).map((r) => `${r.method} ${r.path}`)) },
  { type: 'api-platform', label: 'webhook delivery', weight: 2, find: (map) => [...modelNames(map, WEBHOOK_MODELS), ...firstFew(map.routes.filter((r) => /webhook/i.test(r.path) && r.method !== 'POST').map((r) => `${r.method} ${r.path}`))] },
  { type: 'api-platform', label: 'rate-limit tiers or quotas', weight: 2, find: (map) => [...modelNames(map, QUOTA_MODELS), ...map.envVars.map((e) => e.name).filter((n) => /RATE_LIMIT.*(?:TIER|PLAN)|QUOTA/.test(n))] },
  { type: 'api-platform', label: 'developer portal or published API docs', weight: 1, find: (map, f) => [...has(f.deps, DOC_PACKAGES), ...routesWith(map, DOC_SEGMENTS)] },
];

const CONTEXT_WEIGHT = 3;

/**
 * Phase 1 follow-up: which of the checklist's four system types the repository is, so the audit can
 * follow that type's priority ordering. Each rule that finds evidence adds its weight; the highest total
 * wins, ties go by SYSTEM_TYPES order, and no evidence at all gives 'saas', saying it is a default.
 */
export function detectSystemType(map: SystemMap, contextText?: string): { type: SystemType; reasons: string[] } {
  const services = new Set(map.externalServices.map((s) => s.name));
  const deps = new Set(map.packages.flatMap((p) => p.dependencies));
  const ai = [...has(services, AI_SERVICES), ...has(deps, AI_PACKAGES)];
  const commerce = modelNames(map, COMMERCE_MODELS).length > 0 || routesWith(map, COMMERCE_SEGMENTS).length > 0;
  const facts: Facts = { services, deps, ai, commerce };

  const score = new Map<SystemType, number>(SYSTEM_TYPES.map((t) => [t, 0]));
  const evidence: { type: SystemType; line: string }[] = [];
  for (const rule of RULES) {
    const found = [...new Set(rule.find(map, facts))];
    if (found.length === 0) continue;
    score.set(rule.type, score.get(rule.type)! + rule.weight);
    evidence.push({ type: rule.type, line: `${rule.label}: ${found.join(', ')} (+${rule.weight})` });
  }
  for (const type of SYSTEM_TYPES) {
    const words = [...new Set([...(contextText ?? '').matchAll(CONTEXT_WORDS[type])].map((m) => `"${m[0]}"`))];
    if (words.length === 0) continue;
    score.set(type, score.get(type)! + CONTEXT_WEIGHT);
    evidence.push({ type, line: `launch context says ${words.join(', ')} (+${CONTEXT_WEIGHT})` });
  }

  // Stable sort over SYSTEM_TYPES, so equal scores keep the tie order.
  const ranked = [...SYSTEM_TYPES].sort((a, b) => score.get(b)! - score.get(a)!);
  const [winner, runnerUp] = [ranked[0]!, ranked[1]!];
  const best = score.get(winner)!;
  if (best === 0) {
    return { type: 'saas', reasons: ['No e-commerce, AI-pipeline, API-platform or SaaS evidence in the system map or the launch context: saas by default.'] };
  }
  const others = ranked.slice(1).map((t) => `${t} ${score.get(t)}`).join(', ');
  const reasons = [`${winner}: score ${best} (${others}).`];
  if (score.get(runnerUp) === best) reasons.push(`Tie with ${runnerUp} at ${best}: broken by the order ${SYSTEM_TYPES.join(' > ')} (the costlier mistake first).`);
  reasons.push(...evidence.filter((e) => e.type === winner).map((e) => e.line));
  reasons.push(...evidence.filter((e) => e.type !== winner).map((e) => `also ${e.type}: ${e.line}`));
  return { type: winner, reasons };
}

function has(present: ReadonlySet<string>, wanted: ReadonlySet<string>): string[] {
  return [...wanted].filter((name) => present.has(name));
}

function modelNames(map: SystemMap, pattern: RegExp): string[] {
  return map.models.map((m) => m.name).filter((name) => pattern.test(name));
}

/** Routes with a path segment (parameters and versions aside) matching the pattern, a few named. */
function routesWith(map: SystemMap, segment: RegExp): string[] {
  return firstFew(map.routes.filter((r) => r.path.split('/').some((s) => segment.test(s.toLowerCase()))).map((r) => `${r.method} ${r.path}`));
}

/** A reason names a few examples, never a whole route table. */
function firstFew(items: string[]): string[] {
  return items.length <= 3 ? items : [...items.slice(0, 3), `${items.length - 3} more`];
}
