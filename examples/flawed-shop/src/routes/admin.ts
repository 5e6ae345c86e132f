import { Router } from 'express';
import { requireAdmin, requireAuth } from '../middleware/auth';

export const adminRouter = Router();

const dailyStats = [
  { date: '2025-03-24', orders: 41, revenueCents: 389_400, refunds: 1, conversionRate: 0.031 },
  { date: '2025-03-25', orders: 38, revenueCents: 352_150, refunds: 0, conversionRate: 0.029 },
  { date: '2025-03-26', orders: 52, revenueCents: 498_720, refunds: 2, conversionRate: 0.036 },
  { date: '2025-03-27', orders: 47, revenueCents: 441_300, refunds: 1, conversionRate: 0.034 },
  { date: '2025-03-28', orders: 63, revenueCents: 611_980, refunds: 0, conversionRate: 0.041 },
  { date: '2025-03-29', orders: 71, revenueCents: 702_450, refunds: 3, conversionRate: 0.044 },
  { date: '2025-03-30', orders: 58, revenueCents: 547_200, refunds: 1, conversionRate: 0.038 },
];

const topProducts = [
  { id: 'clx8q2m0a0001', name: 'Merino Trail Sweater', unitsSold: 212, revenueCents: 1_907_880 },
  { id: 'clx8q2m0a0007', name: 'Cedar Camp Mug (set of 2)', unitsSold: 188, revenueCents: 545_200 },
  { id: 'clx8q2m0a0012', name: 'Waxed Canvas Daypack', unitsSold: 97, revenueCents: 1_163_030 },
];

adminRouter.get('/admin/stats', requireAuth, requireAdmin, async (_req, res) => {
  const totals = dailyStats.reduce(
    (acc, day) => ({ orders: acc.orders + day.orders, revenueCents: acc.revenueCents + day.revenueCents, refunds: acc.refunds + day.refunds }),
    { orders: 0, revenueCents: 0, refunds: 0 },
  );
  res.json({ range: 'last_7_days', totals, daily: dailyStats, topProducts });
});
