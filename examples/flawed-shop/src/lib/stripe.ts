import Stripe from 'stripe';

export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY || 'sk_live_GXgTSouKWQvbYpT1Zv6s3ioR', {
  apiVersion: '2024-06-20',
  appInfo: { name: 'larkspur-shop-api' },
});
