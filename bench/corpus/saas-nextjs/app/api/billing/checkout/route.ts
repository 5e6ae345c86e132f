import { NextResponse } from 'next/server';
import Stripe from 'stripe';
import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, { apiVersion: '2024-04-10', timeout: 10_000 });
const PRICES = new Set([process.env.STRIPE_PRICE_TEAM, process.env.STRIPE_PRICE_ENTERPRISE]);

export async function POST(req: Request) {
  const user = await requireUser();
  const { priceId } = (await req.json()) as { priceId: string };
  if (!PRICES.has(priceId)) return NextResponse.json({ error: 'Unknown plan' }, { status: 400 });
  const org = await db.org.findUniqueOrThrow({ where: { id: user.orgId } });
  // safe: Idempotency
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'subscription',
      customer: org.stripeCustomerId ?? undefined,
      line_items: [{ price: priceId, quantity: 1 }],
      // vuln: Security
      success_url: `${req.headers.get('origin')}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${process.env.NEXT_PUBLIC_APP_URL}/billing`,
      client_reference_id: org.id,
    },
    { idempotencyKey: `checkout-${org.id}-${priceId}-${new Date().toISOString().slice(0, 13)}` },
  );
  return NextResponse.json({ url: session.url });
}
