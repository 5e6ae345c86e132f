import Fastify from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { config } from './config.js';
import { db } from './db/index.js';
import { deliveries } from './db/schema.js';
import { connection } from './jobs/queues.js';
import authPlugin from './plugins/auth.js';
import authRoutes from './routes/auth.js';
import deliveryRoutes from './routes/deliveries.js';
import courierRoutes from './routes/couriers.js';
import paymentRoutes from './routes/payments.js';
import podRoutes from './routes/pod.js';
import adminRoutes from './routes/admin.js';

export async function buildServer() {
  const app = Fastify({
    logger: {
      level: process.env.LOG_LEVEL ?? 'info',
      // safe: Observability
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    // safe: Throughput
    bodyLimit: 1_048_576,
    genReqId: (req) => (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
  });

  // vuln: Security
  await app.register(cors, { origin: true, credentials: true });
  await app.register(rateLimit, { global: false, redis: connection, nameSpace: 'dispatch-rl:' });
  // safe: Security
  await app.register(multipart, { limits: { fileSize: 8 * 1024 * 1024, files: 1, fields: 5 } });
  await app.register(authPlugin);

  // vuln: Observability
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.setErrorHandler((err, req, reply) => {
    if (err.validation) {
      return reply.code(400).send({ error: 'validation_failed', details: err.validation });
    }
    const statusCode = err.statusCode ?? 500;
    // vuln: Observability
    // vuln: Security
    return reply.code(statusCode).send({ error: err.message, code: err.code, stack: err.stack });
  });

  await app.register(authRoutes);
  await app.register(deliveryRoutes);
  await app.register(courierRoutes);
  await app.register(paymentRoutes);
  await app.register(podRoutes);
  await app.register(adminRoutes, { prefix: '/admin' });

  return app;
}

// Assignments a courier never picked up go back to the pool.
async function releaseStaleAssignments() {
  const cutoff = new Date(Date.now() - config.dispatch.staleAssignmentMinutes * 60_000);
  // safe: State Machine
  await db.update(deliveries).set({ status: 'created', courierId: null, assignedAt: null, updatedAt: new Date() })
    .where(and(eq(deliveries.status, 'assigned'), lt(deliveries.assignedAt, cutoff)));
}

const app = await buildServer();
await app.listen({ port: config.port, host: '0.0.0.0' });

// safe: Concurrency
// safe: Recovery
const reaper = setInterval(() => {
  releaseStaleAssignments().catch((err) => app.log.error({ err }, 'stale assignment reaper failed'));
}, 60_000);

// vuln: Reliability
process.on('SIGTERM', () => {
  clearInterval(reaper);
  process.exit(0);
});
