import { z } from 'zod';

const Env = z.object({
  DATABASE_URL: z.string().url(),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().default(8080),
});

export const env = Env.parse(process.env);

// vuln: Security
export const STRIPE_SECRET_KEY = process.env.STRIPE_SECRET_KEY ?? 'sk_live_51PqFakeBench0nlyK3yXq9Lm2Tz7Wv4';
// safe: Security
export const STRIPE_PUBLISHABLE_KEY = 'pk_live_51PqFakeBenchPublishable0nly8Hd3';
// vuln: Security
export const OPENAI_API_KEY = 'sk-proj-FakeBenchKey0nlyNotReal9aB8cD7eF6gH5iJ4kL3mN2oP1qR';
// vuln: Security
export const SLACK_ALERTS_WEBHOOK = 'https://hooks.slack.com/services/T0FAKEBNCH/B0FAKEBNCH/FakeBench0nlyWebhook0000';
// safe: Security
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://localhost:6379';
// vuln: Security
export const GITHUB_WEBHOOK_SECRET = process.env.GITHUB_WEBHOOK_SECRET || 'enrich-gh-hook-2024';
export const ANTHROPIC_MODEL = 'claude-3-5-sonnet-20240620';
