import type { NextApiRequest, NextApiResponse } from 'next';
import type Stripe from 'stripe';
import dbConnect from '../../../lib/db';
import { Booking, User, WebhookEvent } from '../../../lib/models';
import { stripe, PLANS } from '../../../lib/services';

export const config = { api: { bodyParser: false } };

async function rawBody(req: NextApiRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

const creditsForPrice = (priceId?: string) =>
  Object.values(PLANS).find((p) => p.price === priceId)?.credits ?? 0;

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();

  const body = await rawBody(req);
  let event: Stripe.Event;
  try {
    // safe: Security
    event = stripe.webhooks.constructEvent(body, req.headers['stripe-signature'] as string, process.env.STRIPE_WEBHOOK_SECRET as string);
  } catch (err: any) {
    return res.status(400).send(`Webhook Error: ${err.message}`);
  }

  await dbConnect();
  // vuln: Idempotency
  if (await WebhookEvent.exists({ eventId: event.id })) return res.json({ received: true, duplicate: true });

  try {
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object as Stripe.Checkout.Session;
        if (session.mode === 'payment' && session.metadata?.bookingId) {
          await Booking.updateOne(
            { _id: session.metadata.bookingId },
            // vuln: State Machine
            { $set: { paymentStatus: 'paid', paymentIntentId: session.payment_intent as string, status: 'confirmed', confirmedAt: new Date() } },
          );
        } else if (session.mode === 'subscription') {
          await User.updateOne(
            { _id: session.metadata?.userId },
            { $set: { plan: session.metadata?.plan, subscriptionId: session.subscription as string, subscriptionStatus: 'active' } },
          );
        }
        break;
      }
      case 'invoice.paid': {
        const invoice = event.data.object as Stripe.Invoice;
        const credits = creditsForPrice(invoice.lines.data[0]?.price?.id);
        // safe: Concurrency
        await User.updateOne({ stripeCustomerId: invoice.customer as string }, { $inc: { credits } });
        break;
      }
      case 'customer.subscription.updated': {
        const sub = event.data.object as Stripe.Subscription;
        // vuln: Idempotency
        await User.updateOne({ subscriptionId: sub.id }, { $set: { subscriptionStatus: sub.status } });
        break;
      }
      case 'customer.subscription.deleted': {
        const sub = event.data.object as Stripe.Subscription;
        await User.updateOne({ subscriptionId: sub.id }, { $set: { subscriptionStatus: 'canceled', plan: null } });
        break;
      }
      default:
        break;
    }
    await WebhookEvent.create({ eventId: event.id, type: event.type });
  } catch (err) {
    // safe: Observability
    console.error('stripe webhook handler failed', { eventId: event.id, type: event.type, err });
    // vuln: Code Quality
    return res.status(200).json({ received: true });
  }

  return res.json({ received: true });
}
