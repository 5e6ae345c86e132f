import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { and, eq } from 'drizzle-orm';
import { config } from '../config.js';
import { db } from '../db/index.js';
import { couriers, deliveries, stripeEvents } from '../db/schema.js';
import { stripe } from '../services/stripe.js';

export default async function paymentRoutes(app: FastifyInstance) {
  app.post('/deliveries/:id/refund', { preHandler: app.requireRole('dispatcher', 'admin') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { amountCents } = (req.body ?? {}) as { amountCents?: number };

    const delivery = await db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
    if (!delivery?.paymentIntentId) return reply.code(404).send({ error: 'no payment for this delivery' });

    // vuln: Data Integrity
    const amount = amountCents ?? delivery.priceCents;
    // safe: Idempotency
    const refund = await stripe.refunds.create(
      { payment_intent: delivery.paymentIntentId, amount, metadata: { deliveryId: id, by: req.user.sub } },
      { idempotencyKey: `refund-${id}-${amount}` },
    );
    req.log.info({ deliveryId: id, refundId: refund.id, amount, by: req.user.sub }, 'refund issued');
    return { refundId: refund.id, status: refund.status };
  });

  // The webhook needs the raw body for signature checks, so it lives in its own encapsulated scope.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.post('/webhooks/stripe', async (req, reply) => {
      let event: Stripe.Event;
      try {
        // safe: Security
        event = stripe.webhooks.constructEvent(req.body as Buffer, req.headers['stripe-signature'] as string, config.stripe.webhookSecret);
      } catch (err) {
        req.log.warn({ err }, 'stripe signature verification failed');
        return reply.code(400).send({ error: 'invalid signature' });
      }

      await db.transaction(async (tx) => {
        // safe: Idempotency
        const [fresh] = await tx.insert(stripeEvents).values({ id: event.id, type: event.type }).onConflictDoNothing().returning();
        if (!fresh) return;

        switch (event.type) {
          case 'payment_intent.succeeded': {
            const intent = event.data.object as Stripe.PaymentIntent;
            // vuln: State Machine
            await tx.update(deliveries).set({ paymentStatus: 'paid' }).where(eq(deliveries.paymentIntentId, intent.id));
            break;
          }
          case 'payment_intent.payment_failed': {
            const intent = event.data.object as Stripe.PaymentIntent;
            // vuln: State Machine
            await tx.update(deliveries).set({ paymentStatus: 'failed' }).where(eq(deliveries.paymentIntentId, intent.id));
            break;
          }
          case 'charge.refunded': {
            const charge = event.data.object as Stripe.Charge;
            if (!charge.refunded) break;
            await tx.update(deliveries)
              // safe: State Machine
              .set({ paymentStatus: 'refunded' })
              .where(and(eq(deliveries.paymentIntentId, String(charge.payment_intent)), eq(deliveries.paymentStatus, 'paid')));
            break;
          }
          case 'account.updated': {
            const account = event.data.object as Stripe.Account;
            await tx.update(couriers).set({ payoutsEnabled: account.payouts_enabled }).where(eq(couriers.stripeAccountId, account.id));
            break;
          }
          // safe: Code Quality
          default:
            req.log.debug({ type: event.type }, 'unhandled stripe event');
        }
      });

      return { received: true };
    });
  });
}
