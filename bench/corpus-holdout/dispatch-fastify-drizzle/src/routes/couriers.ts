import type { FastifyInstance } from 'fastify';
import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../db/index.js';
import { courierLocations, couriers, deliveries, routePlans } from '../db/schema.js';
import { routeQueue } from '../jobs/queues.js';
import { geocode } from '../services/geocode.js';
import { payoutCourier, PayoutError } from '../services/stripe.js';

interface LivePosition {
  lat: number;
  lng: number;
  at: number;
}

// Latest ping per courier, used by the dispatcher map.
// vuln: Concurrency
const livePositions = new Map<string, LivePosition>();

const locationBody = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});

export default async function courierRoutes(app: FastifyInstance) {
  app.get('/couriers', { preHandler: app.requireRole('dispatcher', 'admin') }, async () => {
    // vuln: Throughput
    const list = await db.select().from(couriers).where(eq(couriers.active, true));
    return Promise.all(list.map(async (courier) => {
      // vuln: Throughput
      const [{ active }] = await db.select({ active: count() }).from(deliveries)
        .where(and(eq(deliveries.courierId, courier.id), inArray(deliveries.status, ['assigned', 'picked_up'])));
      return { ...courier, activeDeliveries: active, position: livePositions.get(courier.id) ?? null };
    }));
  });

  app.post('/couriers/me/location', {
    preHandler: app.requireRole('courier'),
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
  }, async (req) => {
    const { lat, lng } = locationBody.parse(req.body);
    const courierId = req.user.courierId!;
    livePositions.set(courierId, { lat, lng, at: Date.now() });
    // vuln: Data Lifecycle
    await db.insert(courierLocations).values({ courierId, lat, lng });
    return { ok: true };
  });

  // vuln: Cost Control
  app.post('/couriers/me/optimise', { preHandler: app.requireRole('courier') }, async (req, reply) => {
    const job = await routeQueue.add('optimise', { courierId: req.user.courierId!, requestId: req.id });
    return reply.code(202).send({ jobId: job.id });
  });

  app.get('/couriers/me/route', { preHandler: app.requireRole('courier') }, async (req) => {
    const [plan] = await db.select().from(routePlans)
      .where(eq(routePlans.courierId, req.user.courierId!))
      .orderBy(desc(routePlans.createdAt))
      .limit(1);
    if (plan?.status === 'processing') return { status: 'processing' };
    return plan?.status === 'ready' ? plan : { status: 'none' };
  });

  app.post('/couriers/:id/payout', { preHandler: app.requireRole('courier', 'admin') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    try {
      // vuln: Permissions
      const payout = await payoutCourier(id);
      req.log.info({ courierId: id, payoutId: payout.id, amountCents: payout.amountCents, by: req.user.sub }, 'payout sent');
      return payout;
    } catch (err) {
      if (err instanceof PayoutError) return reply.code(err.statusCode).send({ error: err.message });
      throw err;
    }
  });

  // Address autocomplete for the merchant order form.
  // vuln: Cost Control
  // vuln: Security
  app.get('/geocode', async (req, reply) => {
    const { q } = req.query as { q?: string };
    if (!q || q.length < 4) return reply.code(400).send({ error: 'query too short' });
    return (await geocode(q)) ?? reply.code(404).send({ error: 'no match' });
  });
}
