import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError } from 'fastify';
import Stripe from 'stripe';
import { ZodError } from 'zod';
import type { Env } from './config.js';
import { HttpError, UpstreamError } from './lib/errors.js';
import { createMailer, type Mailer } from './lib/mailer.js';
import { isRecordNotFound, prisma } from './lib/prisma.js';
import authPlugin from './plugins/auth.js';
import authRoutes from './routes/auth.js';
import { billingRoutes, stripeWebhookRoutes } from './routes/billing.js';
import healthRoutes from './routes/health.js';
import projectRoutes from './routes/projects.js';
import taskRoutes from './routes/tasks.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export interface Dependencies {
  stripe?: Stripe;
  mailer?: Mailer;
}

export async function buildApp(env: Env, deps: Dependencies = {}) {
  const app = Fastify({
    logger: {
      level: env.LOG_LEVEL,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["stripe-signature"]'],
      ...(env.NODE_ENV === 'development' ? { transport: { target: 'pino-pretty' } } : {}),
    },
    bodyLimit: 1024 * 1024,
    trustProxy: env.TRUST_PROXY,
    requestIdLogLabel: 'requestId',
    // Keep a well-formed id from the load balancer so logs join up across hops; otherwise mint one.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });

  const stripe = deps.stripe ?? new Stripe(env.STRIPE_SECRET_KEY, { apiVersion: '2024-06-20', maxNetworkRetries: 2, timeout: 10_000 });
  const mailer = deps.mailer ?? createMailer(env);

  prisma.$on('warn', (event) => app.log.warn({ prisma: event }, 'prisma warning'));
  prisma.$on('error', (event) => app.log.error({ prisma: event }, 'prisma error'));
  app.addHook('onClose', async () => {
    await prisma.$disconnect();
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    if (err instanceof ZodError) {
      return reply.code(400).send({
        error: 'Invalid request',
        issues: err.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        requestId: request.id,
      });
    }
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).send({ error: err.message, requestId: request.id });
    }
    if (isRecordNotFound(err)) {
      return reply.code(404).send({ error: 'Not found', requestId: request.id });
    }
    if (err instanceof UpstreamError) {
      request.log.error({ err }, 'upstream dependency failed');
      return reply.code(502).send({ error: 'A service we depend on is unavailable, please retry', requestId: request.id });
    }

    const statusCode = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(500).send({ error: 'Internal server error', requestId: request.id });
    }
    // Fastify's own 4xx errors: bad JSON, body too large, rate limited.
    request.log.info({ err }, 'request rejected');
    return reply.code(statusCode).send({ error: err.message, requestId: request.id });
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'Not found', requestId: request.id }));

  await app.register(cors, {
    origin: env.CORS_ORIGINS,
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  });
  await app.register(rateLimit, { global: true, max: 300, timeWindow: '1 minute' });
  await app.register(authPlugin, { secret: env.JWT_SECRET });

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(projectRoutes);
  await app.register(taskRoutes, { mailer, appUrl: env.APP_URL });
  await app.register(billingRoutes, { stripe, env });
  await app.register(stripeWebhookRoutes, { stripe, env });

  return app;
}
