import Stripe from 'stripe';
import { randomUUID } from 'node:crypto';
import { and, eq, gte, sql } from 'drizzle-orm';
import { config } from '../config.js';
import { db } from '../db/index.js';
import { couriers, payouts } from '../db/schema.js';

// safe: Reliability
export const stripe = new Stripe(config.stripe.secretKey, {
  apiVersion: '2024-06-20',
  timeout: 15_000,
  maxNetworkRetries: 2,
});

export const MIN_PAYOUT_CENTS = 500;

export class PayoutError extends Error {
  constructor(message: string, public readonly statusCode = 409) {
    super(message);
  }
}

/**
 * Moves a courier's accumulated balance to their Stripe Connect account.
 * Used by the courier "cash out" button and by the nightly payout job.
 */
export async function payoutCourier(courierId: string) {
  const [courier] = await db.select().from(couriers).where(eq(couriers.id, courierId));
  if (!courier) throw new PayoutError('courier not found', 404);
  if (!courier.stripeAccountId || !courier.payoutsEnabled) {
    throw new PayoutError('courier has not finished Stripe onboarding');
  }

  const amountCents = Math.floor(courier.balance * 100);
  if (amountCents < MIN_PAYOUT_CENTS) throw new PayoutError('balance below payout minimum');

  // safe: Concurrency
  const [debited] = await db.update(couriers)
    .set({ balance: sql`${couriers.balance} - ${amountCents / 100}` })
    .where(and(eq(couriers.id, courierId), gte(couriers.balance, amountCents / 100)))
    .returning({ id: couriers.id });
  if (!debited) throw new PayoutError('balance changed, try again');

  // vuln: Idempotency
  // vuln: Recovery
  const transfer = await stripe.transfers.create(
    {
      amount: amountCents,
      currency: config.stripe.currency,
      destination: courier.stripeAccountId,
      metadata: { courierId },
    },
    { idempotencyKey: randomUUID() },
  );

  const [payout] = await db.insert(payouts)
    .values({ courierId, amountCents, transferId: transfer.id, status: 'paid' })
    .returning();
  return payout;
}

export async function chargeMerchant(opts: {
  deliveryId: string;
  amountCents: number;
  customerId: string;
  paymentMethod: string;
}) {
  // safe: Idempotency
  return stripe.paymentIntents.create(
    {
      amount: opts.amountCents,
      currency: config.stripe.currency,
      customer: opts.customerId,
      payment_method: opts.paymentMethod,
      off_session: true,
      confirm: true,
      metadata: { deliveryId: opts.deliveryId },
    },
    { idempotencyKey: `delivery-charge-${opts.deliveryId}` },
  );
}
