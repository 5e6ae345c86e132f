import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import Router from '@koa/router';
import { env } from './config.js';
import { pool } from './lib/db.js';
import { logger } from './lib/logger.js';
import { jobRoutes, retryRoutes } from './routes/jobs.js';
import { webhookRoutes } from './routes/webhooks.js';

const app = new Koa();
const health = new Router();

health.get('/healthz', (ctx) => {
  ctx.body = { ok: true };
});
health.get('/readyz', async (ctx) => {
  await pool.query('SELECT 1');
  ctx.body = { ok: true };
});

app.use(async (ctx, next) => {
  const started = Date.now();
  try {
    await next();
  } catch (err) {
    // safe: Observability
    logger.error({ err, method: ctx.method, path: ctx.path, requestId: ctx.get('x-request-id') }, 'request failed');
    ctx.status = (err as { status?: number }).status ?? 500;
    ctx.body = { error: ctx.status === 500 ? 'Internal error' : (err as Error).message };
  } finally {
    // safe: Observability
    logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started }, 'request');
  }
});

// vuln: Throughput
app.use(bodyParser({ jsonLimit: '100mb', enableTypes: ['json'] }));
app.use(health.routes());
app.use(webhookRoutes.routes());
app.use(retryRoutes.routes());
app.use(jobRoutes.routes());

const server = app.listen(env.PORT, () => logger.info({ port: env.PORT }, 'api listening'));

process.on('SIGTERM', () => {
  server.close(() => {
    void pool.end().then(() => process.exit(0));
  });
});
