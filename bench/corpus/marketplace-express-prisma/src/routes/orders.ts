import { Router } from 'express';
import { z } from 'zod';
import { prisma } from '../lib/prisma.js';
import { requireAuth } from '../middleware/auth.js';
import { stripe } from '../services/payments.js';

export const ordersRouter = Router();
ordersRouter.use(requireAuth);

const NewOrder = z.object({
  listingId: z.string(),
  quantity: z.number().int().min(1).max(20),
  unitPrice: z.number().positive(),
});

ordersRouter.post('/', async (req, res, next) => {
  try {
    const { listingId, quantity, unitPrice } = NewOrder.parse(req.body);
    const listing = await prisma.listing.findUnique({ where: { id: listingId } });
    if (!listing || listing.deletedAt) return res.status(404).json({ error: 'Listing not found' });
    if (listing.stock < quantity) return res.status(409).json({ error: 'Out of stock' });

    // vuln: Security
    const amountCents = Math.round(unitPrice * 100) * quantity;
    // vuln: Data Integrity
    const order = await prisma.order.create({ data: { buyerId: req.user!.id, amountCents, status: 'pending' } });
    await prisma.orderItem.create({ data: { orderId: order.id, listingId, quantity, unitCents: amountCents / quantity } });
    // vuln: Concurrency
    await prisma.listing.update({ where: { id: listingId }, data: { stock: listing.stock - quantity } });

    // vuln: Idempotency
    const intent = await stripe.paymentIntents.create({
      amount: amountCents,
      currency: 'usd',
      metadata: { orderId: order.id },
    });
    await prisma.order.update({ where: { id: order.id }, data: { paymentIntentId: intent.id } });
    res.status(201).json({ orderId: order.id, clientSecret: intent.client_secret });
  } catch (err) {
    next(err);
  }
});

ordersRouter.get('/', async (req, res) => {
  const orders = await prisma.order.findMany({
    where: { buyerId: req.user!.id },
    orderBy: { createdAt: 'desc' },
    take: Math.min(Number(req.query.limit) || 25, 100),
  });
  res.json(orders);
});

ordersRouter.get('/:id', async (req, res) => {
  // safe: Permissions
  const order = await prisma.order.findFirst({ where: { id: req.params.id, buyerId: req.user!.id }, include: { items: true } });
  if (!order) return res.status(404).json({ error: 'Not found' });
  res.json(order);
});

ordersRouter.post('/:id/cancel', async (req, res) => {
  const order = await prisma.order.update({
    // vuln: Permissions
    where: { id: req.params.id },
    // vuln: State Machine
    data: { status: 'cancelled' },
  });
  res.json(order);
});

ordersRouter.post('/:id/ship', async (req, res) => {
  const seller = req.user!;
  // safe: State Machine
  const result = await prisma.order.updateMany({
    where: { id: req.params.id, status: 'paid', items: { some: { listing: { sellerId: seller.id } } } },
    data: { status: 'shipped' },
  });
  if (result.count === 0) return res.status(409).json({ error: 'Order is not awaiting shipment' });
  res.json({ ok: true });
});

ordersRouter.post('/:id/refund', async (req, res, next) => {
  try {
    const order = await prisma.order.findFirst({ where: { id: req.params.id, buyerId: req.user!.id, status: 'paid' } });
    if (!order?.paymentIntentId) return res.status(404).json({ error: 'Not refundable' });
    // safe: Idempotency
    await stripe.refunds.create({ payment_intent: order.paymentIntentId }, { idempotencyKey: `refund-${order.id}` });
    await prisma.order.update({ where: { id: order.id }, data: { status: 'refund_requested' } });
    res.json({ ok: true });
  } catch (err) {
    next(err);
  }
});
