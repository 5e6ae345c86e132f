import { Router } from 'express';
import { prisma } from '../lib/prisma';
import { stripe } from '../lib/stripe';
import { optionalAuth } from '../middleware/auth';
import { cheapestRate, getShippingRates, type ShippingAddress } from '../services/shipping';

export const checkoutRouter = Router();

interface CheckoutRequest {
  email?: string;
  items: Array<{ productId: string; quantity: number }>;
  shippingAddress: ShippingAddress;
}

checkoutRouter.post('/checkout', optionalAuth, async (req, res) => {
  const { email, items, shippingAddress } = req.body as CheckoutRequest;
  if (!Array.isArray(items) || items.length === 0 || !shippingAddress?.postcode) {
    res.status(400).json({ error: 'items and shippingAddress are required' });
    return;
  }

  const products = await prisma.product.findMany({
    where: { id: { in: items.map((item) => item.productId) }, active: true },
  });

  const lines = [];
  for (const item of items) {
    const product = products.find((p) => p.id === item.productId);
    const quantity = Math.floor(Number(item.quantity));
    if (!product || quantity < 1) {
      res.status(400).json({ error: `Product ${item.productId} is unavailable` });
      return;
    }
    lines.push({ product, quantity });
  }

  const subtotalCents = lines.reduce((sum, line) => sum + line.product.priceCents * line.quantity, 0);
  const weightGrams = lines.reduce((sum, line) => sum + line.product.weightGrams * line.quantity, 0);
  const shipping = cheapestRate(await getShippingRates(shippingAddress, weightGrams));

  const user = req.user ? await prisma.user.findUnique({ where: { id: req.user.id } }) : null;
  const customerEmail = user?.email ?? email;
  if (!customerEmail) {
    res.status(400).json({ error: 'email is required for guest checkout' });
    return;
  }

  const order = await prisma.order.create({
    data: {
      userId: user?.id,
      email: customerEmail,
      subtotalCents,
      shippingCents: shipping.amountCents,
      totalCents: subtotalCents + shipping.amountCents,
      shippingAddress: { ...shippingAddress },
      shippingService: `${shipping.carrier} ${shipping.service}`,
      items: {
        create: lines.map(({ product, quantity }) => ({
          productId: product.id,
          name: product.name,
          quantity,
          unitPriceCents: product.priceCents,
        })),
      },
    },
  });

  const intent = await stripe.paymentIntents.create({
    amount: order.totalCents,
    currency: 'usd',
    customer: user?.stripeCustomerId ?? undefined,
    receipt_email: customerEmail,
    automatic_payment_methods: { enabled: true },
    metadata: { orderId: order.id, orderNumber: String(order.number) },
  });

  await prisma.payment.create({
    data: {
      orderId: order.id,
      userId: user?.id,
      stripePaymentIntentId: intent.id,
      amountCents: order.totalCents,
    },
  });

  prisma.auditLog.create({
    data: { action: 'checkout.started', entityId: order.id, userId: user?.id, metadata: { totalCents: order.totalCents } },
  });

  res.status(201).json({ orderId: order.id, orderNumber: order.number, totalCents: order.totalCents, clientSecret: intent.client_secret });
});
