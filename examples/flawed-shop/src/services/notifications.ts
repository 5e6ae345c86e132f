import type { Order, OrderItem } from '@prisma/client';
import { mailer } from '../lib/mailer';

type OrderWithItems = Order & { items: OrderItem[] };

function formatCents(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

function renderOrderEmail(order: OrderWithItems): string {
  const rows = order.items
    .map((item) => `<tr><td>${item.name}</td><td>${item.quantity}</td><td>${formatCents(item.unitPriceCents * item.quantity)}</td></tr>`)
    .join('');
  return `
    <h1>Thanks for your order!</h1>
    <p>Order #${order.number} is confirmed and will ship soon.</p>
    <table>${rows}</table>
    <p>Shipping: ${formatCents(order.shippingCents)}<br/>Total: <strong>${formatCents(order.totalCents)}</strong></p>
  `;
}

export async function sendOrderConfirmation(order: OrderWithItems): Promise<void> {
  try {
    await mailer.send(order.email, `Your Larkspur order #${order.number}`, renderOrderEmail(order));
  } catch {}
}
