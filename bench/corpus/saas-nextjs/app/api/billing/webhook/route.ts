import { headers } from 'next/headers';
import { NextResponse } from 'next/server';
import Stripe from 'stripe';
import { db } from '@/lib/db';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, { apiVersion: '2024-04-10' });

export async function POST(req: Request) {
  const body = await req.text();
  const signature = headers().get('stripe-signature') ?? '';
  let event: Stripe.Event;
  try {
    // safe: Security
    event = stripe.webhooks.constructEvent(body, signature, process.env.STRIPE_WEBHOOK_SECRET!);
  } catch {
    return NextResponse.json({ error: 'Bad signature' }, { status: 400 });
  }

  try {
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object as Stripe.Checkout.Session;
        await db.org.update({ where: { id: session.client_reference_id! }, data: { stripeCustomerId: String(session.customer), plan: 'team' } });
        break;
      }
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const sub = event.data.object as Stripe.Subscription;
        const plan = event.type === 'customer.subscription.deleted' ? 'free' : (sub.items.data[0]?.price.lookup_key ?? 'free');
        // vuln: Idempotency
        await db.org.update({ where: { stripeCustomerId: String(sub.customer) }, data: { plan } });
        break;
      }
      default:
        break;
    }
  } catch (err) {
    // vuln: Observability
    console.error('stripe webhook failed');
    // vuln: Code Quality
    return NextResponse.json({ received: true });
  }
  return NextResponse.json({ received: true });
}
