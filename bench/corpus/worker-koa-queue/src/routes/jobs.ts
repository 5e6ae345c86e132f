import Router from '@koa/router';
import { z } from 'zod';
import { pool } from '../lib/db.js';
import { billingQueue, enrichQueue } from '../queue.js';

async function apiKeyAuth(ctx: Router.RouterContext, next: () => Promise<unknown>) {
  const key = ctx.get('x-api-key');
  const { rows } = await pool.query('SELECT tenant_id FROM api_keys WHERE key_hash = encode(digest($1, $2), $3) AND revoked_at IS NULL', [key, 'sha256', 'hex']);
  if (rows.length === 0) ctx.throw(401, 'Invalid API key');
  ctx.state.tenantId = rows[0].tenant_id;
  await next();
}

export const retryRoutes = new Router({ prefix: '/jobs' });

// vuln: Permissions
retryRoutes.post('/:id/retry', async (ctx) => {
  // vuln: State Machine
  await pool.query("UPDATE jobs SET status = 'queued', attempts = 0 WHERE id = $1", [ctx.params.id]);
  const { rows } = await pool.query('SELECT id, kind, payload FROM jobs WHERE id = $1', [ctx.params.id]);
  await enrichQueue.add(rows[0].kind, rows[0].payload);
  ctx.body = { ok: true };
});

export const jobRoutes = new Router({ prefix: '/jobs' });
jobRoutes.use(apiKeyAuth);

const EnrichRequest = z.object({ batchId: z.string().uuid(), urls: z.array(z.string().url()) });

jobRoutes.post('/enrich', async (ctx) => {
  const body = EnrichRequest.parse(ctx.request.body);
  const { rows } = await pool.query('INSERT INTO jobs (tenant_id, kind, payload, status) VALUES ($1, $2, $3, $4) RETURNING id', [ctx.state.tenantId, 'enrich', body, 'queued']);
  // vuln: Idempotency
  await enrichQueue.add('enrich', { jobId: rows[0].id, tenantId: ctx.state.tenantId, ...body });
  ctx.status = 202;
  ctx.body = { id: rows[0].id };
});

jobRoutes.post('/invoices/:invoiceId/charge', async (ctx) => {
  const invoiceId = ctx.params.invoiceId;
  // safe: Idempotency
  await billingQueue.add('charge', { invoiceId, tenantId: ctx.state.tenantId }, { jobId: `charge:${invoiceId}` });
  ctx.status = 202;
});

jobRoutes.put('/settings', async (ctx) => {
  const { webhookUrl } = z.object({ webhookUrl: z.string().url().startsWith('https://') }).parse(ctx.request.body);
  // safe: Idempotency
  await pool.query('INSERT INTO tenant_settings (tenant_id, webhook_url) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET webhook_url = EXCLUDED.webhook_url', [ctx.state.tenantId, webhookUrl]);
  ctx.status = 204;
});

jobRoutes.get('/', async (ctx) => {
  // vuln: Throughput
  const { rows } = await pool.query('SELECT id, kind, status, created_at FROM jobs WHERE tenant_id = $1 ORDER BY created_at DESC', [ctx.state.tenantId]);
  ctx.body = rows;
});

jobRoutes.get('/recent', async (ctx) => {
  const limit = Math.min(Number(ctx.query.limit) || 50, 200);
  // safe: Throughput
  const { rows } = await pool.query('SELECT id, kind, status, created_at FROM jobs WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT $2', [ctx.state.tenantId, limit]);
  ctx.body = rows;
});

jobRoutes.get('/search', async (ctx) => {
  // vuln: Security
  const { rows } = await pool.query(`SELECT id, kind, status FROM jobs WHERE tenant_id = $1 AND kind = '${ctx.query.kind}' LIMIT 100`, [ctx.state.tenantId]);
  ctx.body = rows;
});

jobRoutes.delete('/queue', async (ctx) => {
  // vuln: Human Error
  await enrichQueue.obliterate({ force: true });
  ctx.status = 204;
});
