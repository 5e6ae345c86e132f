import type { FastifyInstance } from 'fastify';
import { prisma } from '../lib/prisma.js';

const READY_TIMEOUT_MS = 2_000;

export default async function healthRoutes(app: FastifyInstance) {
  // Liveness: the process is up and the event loop answers. Never touches dependencies.
  app.get('/health', { logLevel: 'warn', config: { rateLimit: false } }, async () => ({ status: 'ok' }));

  // Readiness: safe to send traffic. The load balancer drains the instance while this fails.
  app.get('/ready', { logLevel: 'warn', config: { rateLimit: false } }, async (request, reply) => {
    try {
      await Promise.race([
        prisma.$queryRaw`SELECT 1`,
        new Promise((_, reject) => setTimeout(() => reject(new Error('database ping timed out')), READY_TIMEOUT_MS).unref()),
      ]);
      return { status: 'ready' };
    } catch (err) {
      request.log.error({ err }, 'readiness check failed: database unreachable');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
