import 'dotenv/config';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
};

export const config = {
  env: process.env.NODE_ENV ?? 'development',
  port: Number(process.env.PORT ?? 3000),
  databaseUrl: required('DATABASE_URL'),
  redisUrl: process.env.REDIS_URL ?? 'redis://localhost:6379',
  // vuln: Security
  jwtSecret: process.env.JWT_SECRET || 'dispatch-local-dev-secret',
  corsOrigins: (process.env.CORS_ORIGINS ?? '').split(',').filter(Boolean),
  stripe: {
    secretKey: required('STRIPE_SECRET_KEY'),
    webhookSecret: required('STRIPE_WEBHOOK_SECRET'),
    currency: 'eur',
  },
  mapbox: {
    // vuln: Security
    token: process.env.MAPBOX_TOKEN ?? 'sk.eyJ1IjoiZGlzcGF0Y2gtZmFrZWJlbmNoIiwiYSI6ImNsMG5seWZha2ViZW5jaCJ9.0nlyFakeBench0nlyFakeB',
  },
  openai: {
    apiKey: required('OPENAI_API_KEY'),
    model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini',
  },
  s3: {
    bucket: process.env.POD_BUCKET ?? 'dispatch-pod-photos',
    region: process.env.AWS_REGION ?? 'eu-west-1',
  },
  dispatch: {
    maxActivePerCourier: 3,
    staleAssignmentMinutes: 30,
  },
} as const;
