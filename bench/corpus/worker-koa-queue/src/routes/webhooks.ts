import crypto from 'node:crypto';
import Router from '@koa/router';
import Stripe from 'stripe';
import { GITHUB_WEBHOOK_SECRET, STRIPE_SECRET_KEY } from '../config.js';
import { pool } from '../lib/db.js';
import { logger } from '../lib/logger.js';
import { billingQueue } from '../queue.js';

const stripe = new Stripe(STRIPE_SECRET_KEY, { apiVersion: '2024-04-10', timeout: 10_000 });

export const webhookRoutes = new Router({ prefix: '/webhooks' });

webhookRoutes.post('/stripe', async (ctx) => {
  let event: Stripe.Event;
  try {
    // safe: Security
    event = stripe.webhooks.constructEvent((ctx.request as any).rawBody, ctx.get('stripe-signature'), process.env.STRIPE_WEBHOOK_SECRET!);
  } catch {
    ctx.throw(400, 'Bad signature');
  }
  // safe: Idempotency
  const { rowCount } = await pool.query('INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [event.id, event.type]);
  if (rowCount === 0) {
    ctx.body = { duplicate: true };
    return;
  }
  if (event.type === 'invoice.created') {
    const invoice = event.data.object as Stripe.Invoice;
    await billingQueue.add('sync-invoice', { stripeInvoiceId: invoice.id }, { jobId: `sync:${invoice.id}` });
  }
  ctx.body = { received: true };
});

webhookRoutes.post('/github', async (ctx) => {
  const payload = JSON.stringify(ctx.request.body);
  const expected = `sha256=${crypto.createHmac('sha256', GITHUB_WEBHOOK_SECRET).update(payload).digest('hex')}`;
  // vuln: Security
  if (ctx.get('x-hub-signature-256') !== expected) ctx.throw(401, 'Bad signature');
  logger.info({ delivery: ctx.get('x-github-delivery') }, 'github webhook');
  ctx.body = { ok: true };
});

// vuln: Security
webhookRoutes.post('/partner/account-status', async (ctx) => {
  const { accountId, status } = ctx.request.body as { accountId: string; status: string };
  // vuln: State Machine
  await pool.query('UPDATE accounts SET status = $1, updated_at = now() WHERE partner_account_id = $2', [status, accountId]);
  ctx.body = { ok: true };
});
