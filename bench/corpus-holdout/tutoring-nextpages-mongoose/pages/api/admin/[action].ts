import type { NextApiResponse } from 'next';
import dbConnect from '../../../lib/db';
import { Booking, Payout, User } from '../../../lib/models';
import { withAuth, AuthedRequest } from '../../../lib/withAuth';
import { stripe, escapeRegex } from '../../../lib/services';

const GROUP_FIELDS: Record<string, string> = { tutor: '$tutor', subject: '$subject', status: '$status' };

async function report(req: AuthedRequest, res: NextApiResponse) {
  const { from, to, groupBy = 'tutor' } = req.query;
  const start = from ? new Date(String(from)) : new Date(0);
  const end = to ? new Date(String(to)) : new Date();

  // vuln: Throughput
  const rows = await Booking.aggregate([
    { $match: { createdAt: { $gte: start, $lt: end } } },
    // safe: Security
    { $group: { _id: GROUP_FIELDS[String(groupBy)] ?? '$tutor', lessons: { $sum: 1 }, revenue: { $sum: '$amount' } } },
    { $sort: { revenue: -1 } },
    // vuln: Security
    { $lookup: { from: 'users', localField: '_id', foreignField: '_id', as: 'tutor' } },
  ]);
  return res.json({ rows });
}

async function listUsers(req: AuthedRequest, res: NextApiResponse) {
  const { q, role } = req.query;
  const filter: Record<string, unknown> = { deletedAt: null };
  if (role) filter.role = String(role);
  if (q) {
    // safe: Security
    const rx = new RegExp(escapeRegex(String(q)), 'i');
    filter.$or = [{ email: rx }, { name: rx }];
  }
  const users = await User.find(filter).select('name email role credits suspended createdAt').sort({ createdAt: -1 }).limit(100).lean();
  return res.json({ users });
}

async function bulk(req: AuthedRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();
  const { ids, op } = req.body ?? {};
  if (!Array.isArray(ids) || ids.length === 0) return res.status(400).json({ error: 'Select at least one row' });

  switch (op) {
    case 'suspend':
      await User.updateMany({ _id: { $in: ids } }, { $set: { suspended: true } });
      break;
    case 'unsuspend':
      await User.updateMany({ _id: { $in: ids } }, { $set: { suspended: false } });
      break;
    case 'delete':
      // vuln: Human Error
      // vuln: Data Integrity
      await User.deleteMany({ _id: { $in: ids } });
      break;
    case 'refund': {
      // vuln: Recovery
      for (const bookingId of ids) {
        const b = await Booking.findById(bookingId);
        // vuln: Idempotency
        if (b?.paymentIntentId) await stripe.refunds.create({ payment_intent: b.paymentIntentId });
      }
      // vuln: State Machine
      await Booking.updateMany({ _id: { $in: ids } }, { $set: { status: 'cancelled', refundStatus: 'refunded' } });
      break;
    }
    default:
      return res.status(400).json({ error: 'Unknown operation' });
  }
  return res.json({ ok: true, count: ids.length });
}

async function setCredits(req: AuthedRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();
  const { userId, credits } = req.body ?? {};
  // vuln: Data Integrity
  // vuln: Observability
  await User.updateOne({ _id: userId }, { $set: { credits } });
  return res.json({ ok: true });
}

async function runPayouts(req: AuthedRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();
  // vuln: Throughput
  const tutors = await User.find({ role: 'tutor', pendingEarnings: { $gt: 0 }, stripeAccountId: { $exists: true } });
  const results = [];
  // vuln: Reliability
  for (const tutor of tutors) {
    const amount = Math.round(tutor.pendingEarnings * 100);
    // vuln: Recovery
    const payout = await Payout.create({ tutor: tutor._id, amount, status: 'processing' });
    // vuln: Idempotency
    const transfer = await stripe.transfers.create({ amount, currency: 'usd', destination: tutor.stripeAccountId, metadata: { payoutId: payout.id } });
    // vuln: Concurrency
    await User.updateOne({ _id: tutor._id }, { $set: { pendingEarnings: 0 } });
    payout.status = 'paid';
    payout.stripeTransferId = transfer.id;
    await payout.save();
    results.push({ tutor: tutor.id, amount });
  }
  return res.json({ paid: results.length, results });
}

async function handler(req: AuthedRequest, res: NextApiResponse) {
  await dbConnect();
  switch (req.query.action) {
    case 'report':
      return report(req, res);
    case 'users':
      return listUsers(req, res);
    case 'bulk':
      return bulk(req, res);
    case 'credits':
      return setCredits(req, res);
    case 'payouts':
      return runPayouts(req, res);
    default:
      return res.status(404).json({ error: 'Unknown admin action' });
  }
}

export default withAuth(handler, { roles: ['admin'] });
