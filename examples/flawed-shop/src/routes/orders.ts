import { Router } from 'express';
import { prisma } from '../lib/prisma';
import { stripe } from '../lib/stripe';
import { requireAuth } from '../middleware/auth';

export const ordersRouter = Router();

ordersRouter.get('/orders', requireAuth, async (req, res) => {
  const where = req.user!.role === 'ADMIN' ? {} : { userId: req.user!.id };
  const orders = await prisma.order.findMany({
    where,
    include: { items: true, payments: true },
    orderBy: { createdAt: 'desc' },
  });
  res.json(orders);
});

ordersRouter.get('/orders/:id', requireAuth, async (req, res) => {
  const order = await prisma.order.findUnique({
    where: { id: String(req.params.id) },
    include: { items: true, payments: true },
  });
  if (!order || (req.user!.role !== 'ADMIN' && order.userId !== req.user!.id)) {
    res.status(404).json({ error: 'Order not found' });
    return;
  }
  res.json(order);
});

ordersRouter.post('/orders/:id/refund', async (req, res) => {
  const order = await prisma.order.findUnique({
    where: { id: req.params.id },
    include: { payments: true },
  });
  if (!order) {
    res.status(404).json({ error: 'Order not found' });
    return;
  }

  const payment = order.payments.find((p) => p.status === 'SUCCEEDED');
  if (!payment) {
    res.status(409).json({ error: 'Order has no captured payment to refund' });
    return;
  }

  const amount = Number(req.body?.amountCents) || payment.amountCents;
  const refund = await stripe.refunds.create({
    payment_intent: payment.stripePaymentIntentId,
    amount,
    reason: 'requested_by_customer',
  });

  await prisma.order.update({ where: { id: order.id }, data: { status: 'REFUNDED' } });
  prisma.auditLog.create({
    data: { action: 'order.refunded', entityId: order.id, metadata: { refundId: refund.id, amountCents: amount } },
  });

  res.json({ refundId: refund.id, status: refund.status, amountCents: amount });
});
