import { Router } from 'express';
import type Stripe from 'stripe';
import { prisma } from '../lib/prisma';
import { sendOrderConfirmation } from '../services/notifications';

export const webhooksRouter = Router();

webhooksRouter.post('/webhooks/stripe', async (req, res) => {
  const event = req.body as Stripe.Event;

  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = event.data.object as Stripe.PaymentIntent;
      const payment = await prisma.payment.update({
        where: { stripePaymentIntentId: intent.id },
        data: { status: 'SUCCEEDED' },
      });
      const order = await prisma.order.update({
        where: { id: payment.orderId },
        data: { status: 'PAID', paidAt: new Date() },
        include: { items: true },
      });
      for (const item of order.items) {
        await prisma.product.update({ where: { id: item.productId }, data: { stock: { decrement: item.quantity } } });
      }
      await sendOrderConfirmation(order);
      break;
    }

    case 'payment_intent.payment_failed': {
      const intent = event.data.object as Stripe.PaymentIntent;
      await prisma.payment.update({ where: { stripePaymentIntentId: intent.id }, data: { status: 'FAILED' } });
      break;
    }

    case 'charge.refunded': {
      const charge = event.data.object as Stripe.Charge;
      if (typeof charge.payment_intent === 'string') {
        await prisma.payment.update({ where: { stripePaymentIntentId: charge.payment_intent }, data: { status: 'REFUNDED' } });
      }
      break;
    }

    default:
      console.log(`Ignoring Stripe event ${event.type}`);
  }

  res.json({ received: true });
});
