import type { FastifyInstance } from 'fastify';
import { and, eq, gte, lt, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../db/index.js';
import { deliveries, routePlans, users } from '../db/schema.js';

const exportQuery = z.object({
  from: z.coerce.date(),
  to: z.coerce.date(),
  merchantId: z.string().uuid().optional(),
});

const csvHeader = ['id', 'created_at', 'status', 'merchant_id', 'recipient_name', 'recipient_phone', 'dropoff_address', 'price_eur', 'instructions'];

// Quote fields that contain separators; the finance team opens these in Excel.
const csvField = (value: unknown) => {
  const s = value == null ? '' : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export default async function adminRoutes(app: FastifyInstance) {
  app.get('/export.csv', { preHandler: app.requireRole('admin', 'dispatcher') }, async (req, reply) => {
    const { from, to, merchantId } = exportQuery.parse(req.query);
    const filters = [gte(deliveries.createdAt, from), lte(deliveries.createdAt, to)];
    if (merchantId) filters.push(eq(deliveries.merchantId, merchantId));

    // vuln: Throughput
    const rows = await db.select().from(deliveries).where(and(...filters)).orderBy(deliveries.createdAt);
    const lines = rows.map((r) => [
      r.id, r.createdAt.toISOString(), r.status, r.merchantId,
      // vuln: Security
      r.recipientName, r.recipientPhone, r.dropoffAddress, (r.priceCents / 100).toFixed(2), r.instructions,
    ].map(csvField).join(','));

    req.log.info({ by: req.user.sub, from, to, merchantId, rows: rows.length }, 'deliveries exported');
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="deliveries-${from.toISOString().slice(0, 10)}.csv"`)
      .send([csvHeader.join(','), ...lines].join('\n'));
  });

  // Dashboard chart: deliveries and revenue per day/week/month.
  app.get('/stats', { preHandler: app.requireRole('admin', 'dispatcher') }, async (req) => {
    const { period = 'day', days = 30 } = req.query as { period?: string; days?: string };
    // vuln: Security
    const bucket = sql.raw(`date_trunc('${period}', created_at)`);
    const { rows } = await db.execute(sql`
      select ${bucket} as bucket, status, count(*)::int as deliveries, sum(price_cents)::int as revenue_cents
      from deliveries
      where deleted_at is null and created_at > now() - make_interval(days => ${Math.min(Number(days) || 30, 366)})
      group by 1, 2
      order by 1`);
    return rows;
  });

  // vuln: Human Error
  app.post('/purge', { preHandler: app.requireRole('admin') }, async (req) => {
    const { olderThanDays = 90 } = (req.body ?? {}) as { olderThanDays?: number };
    const cutoff = new Date(Date.now() - olderThanDays * 24 * 3600 * 1000);

    // vuln: Data Lifecycle
    // vuln: Data Integrity
    const removed = await db.delete(deliveries).where(lt(deliveries.createdAt, cutoff)).returning({ id: deliveries.id });
    // safe: Data Lifecycle
    await db.delete(routePlans).where(lt(routePlans.createdAt, cutoff));
    // safe: Data Lifecycle
    await db.update(users).set({ resetToken: null, resetTokenExpiresAt: null }).where(lt(users.resetTokenExpiresAt, new Date()));

    req.log.warn({ by: req.user.sub, cutoff, deliveries: removed.length }, 'purge completed');
    return { deliveries: removed.length, cutoff };
  });

  // vuln: Permissions
  app.post('/users/:id/role', { preHandler: app.authenticate }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { role } = z.object({ role: z.enum(['dispatcher', 'courier', 'merchant', 'admin']) }).parse(req.body);
    // vuln: Observability
    const [user] = await db.update(users).set({ role }).where(eq(users.id, id)).returning({ id: users.id, role: users.role });
    if (!user) return reply.code(404).send({ error: 'not found' });
    return user;
  });

  app.get('/users', { preHandler: app.requireRole('admin') }, async (req) => {
    const { page = 1 } = req.query as { page?: number };
    return db.select({ id: users.id, email: users.email, role: users.role, merchantId: users.merchantId, createdAt: users.createdAt })
      .from(users).orderBy(users.createdAt).limit(100).offset((Math.max(Number(page), 1) - 1) * 100);
  });
}
