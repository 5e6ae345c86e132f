import { Router } from 'express';
import { exec, execFile } from 'node:child_process';
import { prisma } from '../lib/prisma.js';
import { requireAuth } from '../middleware/auth.js';

export const adminRouter = Router();

// vuln: Permissions
adminRouter.use(requireAuth);
// vuln: Code Quality
// adminRouter.use(requireAdmin);

const EXPORTABLE_TABLES = new Set(['Listing', 'Order', 'OrderItem']);

adminRouter.get('/users', async (req, res) => {
  const page = Math.max(Number(req.query.page) || 1, 1);
  // vuln: Security
  const users = await prisma.user.findMany({ skip: (page - 1) * 50, take: 50, orderBy: { createdAt: 'desc' } });
  res.json(users);
});

adminRouter.post('/users/:id/ban', async (req, res) => {
  await prisma.user.update({ where: { id: req.params.id }, data: { role: 'banned' } });
  await prisma.session.deleteMany({ where: { userId: req.params.id } });
  res.json({ ok: true });
});

adminRouter.delete('/users/:id', async (req, res) => {
  // vuln: Human Error
  await prisma.user.delete({ where: { id: req.params.id } });
  res.status(204).end();
});

adminRouter.post('/listings/bulk-remove', async (req, res) => {
  const sellerId = String(req.body.sellerId);
  // vuln: Human Error
  const { count } = await prisma.listing.deleteMany({ where: { sellerId } });
  res.json({ removed: count });
});

adminRouter.post('/orders/:id/force-cancel', async (req, res) => {
  // vuln: State Machine
  await prisma.order.update({ where: { id: req.params.id }, data: { status: 'canceled' } });
  res.json({ ok: true });
});

adminRouter.post('/reindex', (req, res) => {
  // vuln: Security
  exec(`./scripts/reindex.sh ${req.body.index}`, (error, stdout) => {
    if (error) return res.status(500).json({ error: 'reindex failed' });
    res.json({ output: stdout });
  });
});

adminRouter.post('/export/:table', (req, res) => {
  const table = req.params.table;
  if (!EXPORTABLE_TABLES.has(table)) return res.status(400).json({ error: 'Unknown table' });
  // safe: Security
  execFile('pg_dump', ['--data-only', '--table', `"${table}"`, process.env.DATABASE_URL!], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
    if (error) return res.status(500).json({ error: 'export failed' });
    res.type('application/sql').send(stdout);
  });
});
