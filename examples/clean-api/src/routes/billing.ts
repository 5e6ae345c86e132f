import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Env } from '../config.js';
import { HttpError } from '../lib/errors.js';
import { isUniqueViolation, prisma } from '../lib/prisma.js';
import { requireRole } from '../plugins/auth.js';

interface BillingOptions {
  stripe: Stripe;
  env: Pick<Env, 'APP_URL' | 'STRIPE_PRICE_TEAM' | 'STRIPE_WEBHOOK_SECRET'>;
}

/** Clients send a fresh UUID per checkout attempt and reuse it when they retry the same attempt. */
const IdempotencyKey = z.string().uuid({ message: 'Idempotency-Key header must be a UUID' });

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

export async function billingRoutes(app: FastifyInstance, { stripe, env }: BillingOptions) {
  app.addHook('onRequest', app.authenticate);

  app.post('/billing/checkout-session', async (request, reply) => {
    requireRole(request.user, 'OWNER');
    const key = IdempotencyKey.parse(request.headers['idempotency-key']);

    const workspace = await prisma.workspace.findUniqueOrThrow({ where: { id: request.user.wid } });
    if (workspace.plan === 'TEAM') throw new HttpError(409, 'This workspace is already on the Team plan');

    const session = await stripe.checkout.sessions.create(
      {
        mode: 'subscription',
        line_items: [{ price: env.STRIPE_PRICE_TEAM, quantity: 1 }],
        customer: workspace.stripeCustomerId ?? undefined,
        client_reference_id: workspace.id,
        metadata: { workspaceId: workspace.id },
        success_url: `${env.APP_URL}/settings/billing?checkout=success`,
        cancel_url: `${env.APP_URL}/settings/billing?checkout=cancelled`,
      },
      { idempotencyKey: `checkout-session:${workspace.id}:${key}` },
    );

    request.log.info({ workspaceId: workspace.id, checkoutSessionId: session.id }, 'checkout session created');
    return reply.code(201).send({ url: session.url });
  });
}

export async function stripeWebhookRoutes(app: FastifyInstance, { stripe, env }: BillingOptions) {
  // Signature verification needs the exact bytes Stripe sent, so JSON stays unparsed in this plugin only.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/webhooks/stripe', async (request, reply) => {
    const signature = request.headers['stripe-signature'];
    if (typeof signature !== 'string') {
      return reply.code(400).send({ error: 'Missing Stripe-Signature header' });
    }

    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(request.body as Buffer, signature, env.STRIPE_WEBHOOK_SECRET);
    } catch (err) {
      request.log.warn({ err }, 'rejected Stripe webhook: signature verification failed');
      return reply.code(400).send({ error: 'Invalid signature' });
    }

    const log = request.log.child({ stripeEventId: event.id, stripeEventType: event.type });

    // Stripe delivers at least once. Recording the event id in the same transaction as its effects
    // makes a redelivery (even a concurrent one) a no-op instead of a second application.
    try {
      await prisma.$transaction(async (tx) => {
        await tx.stripeEvent.create({ data: { id: event.id, type: event.type } });
        await applyEvent(tx, event, log);
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        log.info('duplicate Stripe delivery acknowledged');
        return { received: true, duplicate: true };
      }
      throw err; // answered 500, so Stripe retries with back-off
    }

    return { received: true };
  });
}

async function applyEvent(tx: Tx, event: Stripe.Event, log: FastifyBaseLogger): Promise<void> {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      const workspaceId = session.client_reference_id;
      if (!workspaceId || typeof session.subscription !== 'string' || typeof session.customer !== 'string') {
        log.warn('checkout session without workspace, customer or subscription; ignored');
        return;
      }
      await tx.workspace.update({
        where: { id: workspaceId },
        data: { plan: 'TEAM', stripeCustomerId: session.customer, stripeSubscriptionId: session.subscription },
      });
      log.info({ workspaceId }, 'workspace upgraded to Team');
      return;
    }

    case 'customer.subscription.deleted': {
      const subscription = event.data.object;
      const { count } = await tx.workspace.updateMany({
        where: { stripeSubscriptionId: subscription.id },
        data: { plan: 'FREE', stripeSubscriptionId: null },
      });
      log.info({ subscriptionId: subscription.id, workspaces: count }, 'subscription ended, workspace moved to Free');
      return;
    }

    default:
      log.debug('Stripe event type not handled');
  }
}
