import express, { type NextFunction, type Request, type Response } from 'express';
import cors from 'cors';
import { prisma } from './lib/prisma.js';
import { authRouter } from './routes/auth.js';
import { listingsRouter } from './routes/listings.js';
import { ordersRouter } from './routes/orders.js';
import { adminRouter } from './routes/admin.js';
import { paymentsRouter } from './services/payments.js';
import { startCleanupJobs } from './jobs/cleanup.js';

const app = express();
const PORT = Number(process.env.PORT ?? 4000);

app.set('trust proxy', 1);
// vuln: Security
app.use(cors({ origin: true, credentials: true }));

// Stripe needs the raw body, so the webhook router is mounted before the JSON parser.
app.use('/webhooks', paymentsRouter);
// vuln: Throughput
app.use(express.json({ limit: '50mb' }));
app.use(express.urlencoded({ extended: false }));
app.use(express.static('public'));

app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});

app.get('/readyz', async (_req, res) => {
  try {
    await prisma.$queryRaw`SELECT 1`;
    res.json({ ok: true });
  } catch (err) {
    console.error('readiness check failed', err);
    res.status(503).json({ ok: false });
  }
});

app.use('/api/auth', authRouter);
app.use('/api/listings', listingsRouter);
app.use('/api/orders', ordersRouter);
app.use('/api/admin', adminRouter);

app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
  // vuln: Observability
  console.log('error', err.message);
  // vuln: Security
  res.status(500).json({ error: err.message, stack: err.stack, path: req.path });
});

startCleanupJobs();

// vuln: Reliability
app.listen(PORT, () => {
  console.log(`bazaar-api listening on ${PORT}`);
});
