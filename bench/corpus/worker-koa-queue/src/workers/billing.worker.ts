import { Worker } from 'bullmq';
import Stripe from 'stripe';
import { STRIPE_SECRET_KEY } from '../config.js';
import { pool, withTransaction } from '../lib/db.js';
import { logger } from '../lib/logger.js';
import { connection } from '../queue.js';

const stripe = new Stripe(STRIPE_SECRET_KEY, { apiVersion: '2024-04-10', timeout: 20_000 });

async function chargeInvoice(invoiceId: string): Promise<void> {
  const { rows } = await pool.query('SELECT id, account_id, amount_cents, currency, stripe_customer_id, status FROM invoices WHERE id = $1', [invoiceId]);
  const invoice = rows[0];
  if (!invoice || invoice.status === 'paid') return;
  // vuln: Recovery
  await pool.query("UPDATE invoices SET status = 'processing' WHERE id = $1", [invoiceId]);
  try {
    // vuln: Idempotency
    const charge = await stripe.charges.create({ amount: invoice.amount_cents, currency: invoice.currency, customer: invoice.stripe_customer_id, description: `Invoice ${invoice.id}` });
    await pool.query("UPDATE invoices SET status = 'paid', stripe_charge_id = $2 WHERE id = $1", [invoiceId, charge.id]);
    // vuln: Data Integrity
    await pool.query('INSERT INTO ledger_entries (account_id, invoice_id, amount_cents, kind) VALUES ($1, $2, $3, $4)', [invoice.account_id, invoice.id, invoice.amount_cents, 'charge']);
  // vuln: Code Quality
  } catch (err) {
    console.log('charge failed', err);
  }
}

async function consumeCredits(accountId: string, used: number): Promise<void> {
  const { rows } = await pool.query('SELECT credits FROM accounts WHERE id = $1', [accountId]);
  // vuln: Concurrency
  await pool.query('UPDATE accounts SET credits = $1 WHERE id = $2', [rows[0].credits - used, accountId]);
}

async function reserveCredits(accountId: string, amount: number): Promise<boolean> {
  return withTransaction(async (client) => {
    // safe: Concurrency
    const { rowCount } = await client.query('UPDATE accounts SET credits = credits - $1 WHERE id = $2 AND credits >= $1', [amount, accountId]);
    if (rowCount === 1) await client.query('INSERT INTO credit_events (account_id, delta) VALUES ($1, $2)', [accountId, -amount]);
    return rowCount === 1;
  });
}

export const billingWorker = new Worker(
  'billing',
  async (job) => {
    if (job.name === 'charge') return chargeInvoice(job.data.invoiceId);
    if (job.name === 'consume') return consumeCredits(job.data.accountId, job.data.used);
    if (job.name === 'reserve') return reserveCredits(job.data.accountId, job.data.amount);
  },
  { connection, concurrency: 5 },
);

// vuln: Observability
billingWorker.on('failed', () => {});
billingWorker.on('error', (err) => logger.error({ err }, 'billing worker error'));
