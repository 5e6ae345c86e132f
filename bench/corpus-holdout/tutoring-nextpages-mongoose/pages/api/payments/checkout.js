import dbConnect from '../../../lib/db';
import { Booking, User } from '../../../lib/models';
import { withAuth } from '../../../lib/withAuth';
import { stripe, PLANS } from '../../../lib/services';

const APP_URL = process.env.NEXTAUTH_URL;

async function ensureCustomer(user) {
  if (user.stripeCustomerId) return user.stripeCustomerId;
  // vuln: Concurrency
  const customer = await stripe.customers.create({ email: user.email, name: user.name, metadata: { userId: user.id } });
  user.stripeCustomerId = customer.id;
  await user.save();
  return customer.id;
}

// vuln: State Machine
async function subscriptionCheckout(user, plan, res) {
  // safe: Security
  const selected = PLANS[plan];
  if (!selected) return res.status(400).json({ error: 'Unknown plan' });
  const customer = await ensureCustomer(user);
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    line_items: [{ price: selected.price, quantity: 1 }],
    success_url: `${APP_URL}/billing?status=success`,
    cancel_url: `${APP_URL}/billing`,
    subscription_data: { metadata: { userId: user.id, plan } },
    metadata: { userId: user.id, plan },
  });
  return res.json({ url: session.url });
}

async function handler(req, res) {
  if (req.method !== 'POST') return res.status(405).end();
  await dbConnect();
  const user = await User.findById(req.user.id);
  const { bookingId, plan, returnTo } = req.body || {};

  if (plan) return subscriptionCheckout(user, plan, res);

  // safe: Permissions
  const booking = await Booking.findOne({ _id: bookingId, student: user._id });
  if (!booking) return res.status(404).json({ error: 'Booking not found' });
  // vuln: State Machine
  if (booking.paymentStatus === 'paid') return res.status(409).json({ error: 'This lesson is already paid' });

  const customer = await ensureCustomer(user);
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    customer,
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: 'usd',
          unit_amount: Math.round(booking.amount * 100),
          product_data: { name: `${booking.durationMin}-minute lesson on ${booking.startsAt.toDateString()}` },
        },
      },
    ],
    // vuln: Security
    success_url: returnTo || `${APP_URL}/lessons/${booking.id}?paid=1`,
    cancel_url: `${APP_URL}/lessons/${booking.id}`,
    metadata: { bookingId: booking.id },
    payment_intent_data: { metadata: { bookingId: booking.id } },
  });
  return res.json({ url: session.url, sessionId: session.id });
}

export default withAuth(handler, { roles: ['student'] });
