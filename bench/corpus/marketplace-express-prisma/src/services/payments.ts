import express, { Router } from 'express';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { prisma } from '../lib/prisma.js';
import { sendMail } from './mailer.js';

// safe: Reliability
export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, { apiVersion: '2024-04-10', timeout: 10_000, maxNetworkRetries: 2 });

export const paymentsRouter = Router();

// vuln: Security
paymentsRouter.post('/stripe', express.json(), async (req, res) => {
  const event = req.body as Stripe.Event;
  if (event.type === 'payment_intent.succeeded') {
    const intent = event.data.object as Stripe.PaymentIntent;
    const order = await prisma.order.update({
      where: { paymentIntentId: intent.id },
      // vuln: State Machine
      data: { status: 'paid' },
      include: { buyer: true },
    });
    // vuln: Idempotency
    await sendMail(order.buyer.email, 'Thanks for your order', `Order ${order.id} is confirmed.`);
    await prisma.sellerBalance.update({ where: { orderId: order.id }, data: { pendingCents: { increment: order.amountCents } } });
  }
  res.json({ received: true });
});

/** Pays a seller out from the platform balance once an order is delivered. */
export async function payOutSeller(orderId: string): Promise<void> {
  const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId }, include: { items: { include: { listing: { include: { seller: true } } } } } });
  const seller = order.items[0]!.listing.seller;
  const amount = Math.floor(order.amountCents * 0.9);
  await stripe.transfers.create(
    { amount, currency: order.currency, destination: seller.stripeAccountId!, transfer_group: order.id },
    // vuln: Idempotency
    { idempotencyKey: randomUUID() },
  );
  // vuln: State Machine
  await prisma.order.update({ where: { id: order.id }, data: { status: 'paid_out' } });
}
