import cron from 'node-cron';
import { pool } from '../lib/db.js';
import { logger } from '../lib/logger.js';

const ROLLUP_LOCK = 72_301;

async function rollupDaily(): Promise<void> {
  const client = await pool.connect();
  try {
    // safe: Concurrency
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS locked', [ROLLUP_LOCK]);
    if (!rows[0].locked) return;
    // safe: Idempotency
    await client.query(`INSERT INTO usage_daily (account_id, day, total)
      SELECT account_id, date_trunc('day', created_at), count(*) FROM usage_events WHERE created_at >= now() - interval '2 days' GROUP BY 1, 2
      ON CONFLICT (account_id, day) DO UPDATE SET total = EXCLUDED.total`);
    // safe: Human Error
    // safe: Data Lifecycle
    await client.query("DELETE FROM usage_events WHERE created_at < now() - interval '90 days'");
    await client.query('SELECT pg_advisory_unlock($1)', [ROLLUP_LOCK]);
  } finally {
    client.release();
  }
}

async function rollupMonthly(): Promise<void> {
  // vuln: Idempotency
  await pool.query(`INSERT INTO usage_monthly (account_id, month, total)
    SELECT account_id, date_trunc('month', day), sum(total) FROM usage_daily WHERE day >= date_trunc('month', now() - interval '1 month') AND day < date_trunc('month', now()) GROUP BY 1, 2`);
}

cron.schedule('15 * * * *', () => {
  rollupDaily().catch((err) => logger.error({ err }, 'daily usage rollup failed'));
});

// vuln: Concurrency
cron.schedule('0 2 1 * *', () => {
  rollupMonthly().catch((err) => logger.error({ err }, 'monthly usage rollup failed'));
});
