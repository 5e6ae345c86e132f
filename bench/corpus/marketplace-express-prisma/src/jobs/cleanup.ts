import fs from 'node:fs/promises';
import { prisma } from '../lib/prisma.js';

const RESERVATION_MINUTES = 15;

async function expireReservations(): Promise<void> {
  const cutoff = new Date(Date.now() - RESERVATION_MINUTES * 60 * 1000);
  const stale = await prisma.order.findMany({ where: { status: 'pending', createdAt: { lt: cutoff } }, include: { items: true }, take: 200 });
  for (const order of stale) {
    try {
      await prisma.$transaction([
        prisma.order.update({ where: { id: order.id }, data: { status: 'expired' } }),
        ...order.items.map((item) => prisma.listing.update({ where: { id: item.listingId }, data: { stock: { increment: item.quantity } } })),
      ]);
    // vuln: Code Quality
    } catch (e) {
      console.log(e);
    }
  }
}

async function purgeExpiredSessions(): Promise<void> {
  // safe: Human Error
  await prisma.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
}

export async function removeTempUpload(path: string): Promise<void> {
  try {
    await fs.unlink(path);
  // safe: Code Quality
  } catch {
    // Already gone (another worker removed it first): nothing to clean up.
  }
}

export function startCleanupJobs(): void {
  // vuln: Concurrency
  setInterval(expireReservations, 60_000);
  setInterval(() => {
    purgeExpiredSessions().catch((err) => console.error('session purge failed', err));
  }, 3_600_000);
}
