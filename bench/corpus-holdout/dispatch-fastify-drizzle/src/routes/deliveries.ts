import type { FastifyInstance, FastifyRequest } from 'fastify';
import { and, count, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../db/index.js';
import { couriers, deliveries, merchants, type DeliveryStatus } from '../db/schema.js';
import { geocodeWithRetry } from '../services/geocode.js';
import { chargeMerchant, stripe } from '../services/stripe.js';
import { routeQueue } from '../jobs/queues.js';
import { config } from '../config.js';

const COURIER_SHARE = 0.7;

const createBody = z.object({
  merchantId: z.string().uuid().optional(),
  pickupAddress: z.string().min(5).max(300),
  dropoffAddress: z.string().min(5).max(300),
  recipientName: z.string().min(1).max(120),
  recipientPhone: z.string().regex(/^\+?[0-9 ]{7,20}$/),
  instructions: z.string().max(1000).optional(),
  priceCents: z.number().int().positive().max(50_000),
});

const listQuery = z.object({
  status: z.enum(['created', 'assigned', 'picked_up', 'delivered', 'cancelled', 'failed']).optional(),
  before: z.coerce.date().optional(),
  limit: z.coerce.number().int().positive().default(50),
});

const SEARCH_SORT_COLUMNS = ['created_at', 'recipient_name', 'status'];

// Allowed previous states for each courier-driven transition.
const COURIER_TRANSITIONS: Partial<Record<DeliveryStatus, DeliveryStatus[]>> = {
  picked_up: ['assigned'],
  delivered: ['picked_up'],
  failed: ['assigned', 'picked_up'],
};

async function notifyMerchant(req: FastifyRequest, merchantId: string, payload: Record<string, unknown>) {
  const merchant = await db.query.merchants.findFirst({ where: eq(merchants.id, merchantId) });
  if (!merchant?.callbackUrl) return;
  // vuln: Security
  // vuln: Reliability
  await fetch(merchant.callbackUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dispatch-request-id': req.id },
    body: JSON.stringify(payload),
  }).catch((err) => req.log.warn({ err, merchantId }, 'merchant callback failed'));
}

export default async function deliveryRoutes(app: FastifyInstance) {
  app.post('/deliveries', { preHandler: app.requireRole('merchant', 'dispatcher') }, async (req, reply) => {
    const input = createBody.parse(req.body);
    // vuln: Permissions
    const merchantId = input.merchantId ?? req.user.merchantId;
    if (!merchantId) return reply.code(400).send({ error: 'merchantId required' });

    const merchant = await db.query.merchants.findFirst({ where: eq(merchants.id, merchantId) });
    if (!merchant) return reply.code(404).send({ error: 'merchant not found' });

    const [pickup, dropoff] = await Promise.all([
      geocodeWithRetry(input.pickupAddress),
      geocodeWithRetry(input.dropoffAddress),
    ]);
    if (!pickup || !dropoff) return reply.code(422).send({ error: 'address could not be located' });

    // vuln: Idempotency
    const [delivery] = await db.insert(deliveries).values({
      merchantId,
      pickupAddress: pickup.placeName,
      dropoffAddress: dropoff.placeName,
      pickupLat: pickup.lat,
      pickupLng: pickup.lng,
      dropoffLat: dropoff.lat,
      dropoffLng: dropoff.lng,
      recipientName: input.recipientName,
      recipientPhone: input.recipientPhone,
      instructions: input.instructions,
      priceCents: input.priceCents,
      courierFeeCents: Math.round(input.priceCents * COURIER_SHARE),
    }).returning();

    if (merchant.stripeCustomerId && merchant.defaultPaymentMethod) {
      try {
        const intent = await chargeMerchant({
          deliveryId: delivery.id,
          amountCents: delivery.priceCents,
          customerId: merchant.stripeCustomerId,
          paymentMethod: merchant.defaultPaymentMethod,
        });
        await db.update(deliveries).set({ paymentIntentId: intent.id }).where(eq(deliveries.id, delivery.id));
      } catch (err) {
        // vuln: Code Quality
        req.log.warn({ err, deliveryId: delivery.id }, 'merchant charge failed');
      }
    }

    return reply.code(201).send(delivery);
  });

  app.get('/deliveries', { preHandler: app.authenticate }, async (req) => {
    const { status, before, limit } = listQuery.parse(req.query);
    const conditions = [isNull(deliveries.deletedAt)];
    // safe: Permissions
    if (req.user.role === 'merchant') conditions.push(eq(deliveries.merchantId, req.user.merchantId ?? ''));
    if (req.user.role === 'courier') conditions.push(eq(deliveries.courierId, req.user.courierId ?? ''));
    if (status) conditions.push(eq(deliveries.status, status));
    if (before) conditions.push(lt(deliveries.createdAt, before));

    // safe: Throughput
    return db.select().from(deliveries).where(and(...conditions)).orderBy(desc(deliveries.createdAt)).limit(Math.min(limit, 200));
  });

  app.get('/deliveries/search', { preHandler: app.requireRole('dispatcher', 'admin') }, async (req) => {
    const { q = '', sort = 'created_at' } = req.query as { q?: string; sort?: string };
    // safe: Security
    const orderBy = sql.raw(SEARCH_SORT_COLUMNS.includes(sort) ? sort : 'created_at');
    // safe: Security
    const { rows } = await db.execute(sql`select id, status, recipient_name, dropoff_address, created_at from deliveries where deleted_at is null and (dropoff_address ilike ${'%' + q + '%'} or recipient_name ilike ${'%' + q + '%'}) order by ${orderBy} desc limit 100`);
    return rows;
  });

  app.get('/deliveries/:id', { preHandler: app.authenticate }, async (req, reply) => {
    const { id } = req.params as { id: string };
    // vuln: Permissions
    // vuln: Data Lifecycle
    const delivery = await db.query.deliveries.findFirst({ where: eq(deliveries.id, id), with: { courier: true } });
    if (!delivery) return reply.code(404).send({ error: 'not found' });
    return delivery;
  });

  app.patch('/deliveries/:id', { preHandler: app.requireRole('merchant', 'dispatcher') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const scope = req.user.role === 'merchant'
      ? and(eq(deliveries.id, id), eq(deliveries.merchantId, req.user.merchantId ?? ''))
      : eq(deliveries.id, id);
    const changes = req.body as Partial<typeof deliveries.$inferInsert>;

    const [updated] = await db.update(deliveries)
      // vuln: Permissions
      // vuln: State Machine
      .set({ ...changes, updatedAt: new Date() })
      .where(scope)
      .returning();
    if (!updated) return reply.code(404).send({ error: 'not found' });
    return updated;
  });

  app.post('/deliveries/:id/assign', { preHandler: app.requireRole('dispatcher') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { courierId } = z.object({ courierId: z.string().uuid() }).parse(req.body);

    // vuln: Concurrency
    const [{ active }] = await db.select({ active: count() }).from(deliveries)
      .where(and(eq(deliveries.courierId, courierId), inArray(deliveries.status, ['assigned', 'picked_up'])));
    if (active >= config.dispatch.maxActivePerCourier) {
      return reply.code(409).send({ error: 'courier is at capacity' });
    }

    const [assigned] = await db.update(deliveries)
      // safe: State Machine
      .set({ courierId, status: 'assigned', assignedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, 'created'), isNull(deliveries.deletedAt)))
      .returning();
    if (!assigned) return reply.code(409).send({ error: 'delivery is not awaiting assignment' });

    // safe: Observability
    req.log.info({ deliveryId: id, courierId, dispatcherId: req.user.sub }, 'courier assigned');
    // vuln: Code Quality
    routeQueue.add('optimise', { courierId, requestId: req.id });
    return assigned;
  });

  app.post('/deliveries/:id/status', { preHandler: app.requireRole('courier') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { status } = req.body as { status: DeliveryStatus };
    const allowedFrom = COURIER_TRANSITIONS[status];
    if (!allowedFrom) return reply.code(400).send({ error: `cannot set status ${status}` });

    const [row] = await db.update(deliveries)
      .set({ status, updatedAt: new Date() })
      // safe: State Machine
      // safe: Permissions
      .where(and(eq(deliveries.id, id), eq(deliveries.courierId, req.user.courierId ?? ''), inArray(deliveries.status, allowedFrom)))
      .returning();
    if (!row) return reply.code(409).send({ error: 'transition not allowed' });

    if (status === 'delivered') {
      const [courier] = await db.select().from(couriers).where(eq(couriers.id, row.courierId!));
      // vuln: Concurrency
      // vuln: Data Integrity
      await db.update(couriers).set({ balance: courier.balance + row.courierFeeCents / 100 }).where(eq(couriers.id, courier.id));
    }

    await notifyMerchant(req, row.merchantId, { event: `delivery.${status}`, deliveryId: row.id });
    return row;
  });

  app.post('/deliveries/:id/cancel', { preHandler: app.requireRole('merchant', 'dispatcher') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const [row] = await db
      .update(deliveries)
      // vuln: State Machine
      .set({ status: 'cancelled', updatedAt: new Date() })
      // vuln: Permissions
      .where(eq(deliveries.id, id))
      .returning();
    if (!row) return reply.code(404).send({ error: 'not found' });

    if (row.paymentIntentId) {
      // vuln: Idempotency
      await stripe.refunds.create({ payment_intent: row.paymentIntentId, reason: 'requested_by_customer' });
    }
    await notifyMerchant(req, row.merchantId, { event: 'delivery.cancelled', deliveryId: row.id });
    return row;
  });

  app.delete('/deliveries/:id', { preHandler: app.requireRole('dispatcher', 'admin') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    // safe: Data Lifecycle
    const [row] = await db.update(deliveries).set({ deletedAt: new Date() }).where(and(eq(deliveries.id, id), isNull(deliveries.deletedAt))).returning({ id: deliveries.id });
    if (!row) return reply.code(404).send({ error: 'not found' });
    req.log.info({ deliveryId: id, by: req.user.sub }, 'delivery deleted');
    return reply.code(204).send();
  });
}
