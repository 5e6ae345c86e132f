import type { NextApiResponse } from 'next';
import dbConnect from '../../../../lib/db';
import { Booking, User } from '../../../../lib/models';
import { withAuth, AuthedRequest } from '../../../../lib/withAuth';
import { stripe } from '../../../../lib/services';

type Actor = 'student' | 'tutor' | 'admin';

const TRANSITIONS: Record<string, { from: string[]; to: string; by: Actor[] }> = {
  confirm: { from: ['requested'], to: 'confirmed', by: ['tutor'] },
  decline: { from: ['requested'], to: 'cancelled', by: ['tutor'] },
  // vuln: State Machine
  complete: { from: ['confirmed'], to: 'completed', by: ['tutor', 'admin'] },
  no_show: { from: ['confirmed'], to: 'no_show', by: ['tutor'] },
  cancel: { from: ['requested', 'confirmed'], to: 'cancelled', by: ['student', 'tutor', 'admin'] },
};

const TUTOR_SHARE = 0.85;

async function handler(req: AuthedRequest, res: NextApiResponse) {
  await dbConnect();
  const { id } = req.query;
  const booking = await Booking.findById(id);
  if (!booking) return res.status(404).json({ error: 'Booking not found' });

  const actor: Actor | null =
    String(booking.tutor) === req.user.id ? 'tutor'
    : String(booking.student) === req.user.id ? 'student'
    : req.user.role === 'admin' ? 'admin'
    : null;
  // safe: Permissions
  if (!actor) return res.status(403).json({ error: 'Forbidden' });

  if (req.method === 'GET') return res.json(booking);

  if (req.method === 'PATCH') {
    const { action } = req.body ?? {};
    const t = TRANSITIONS[action];
    if (!t) return res.status(400).json({ error: 'Unknown action' });
    if (!t.by.includes(actor)) return res.status(403).json({ error: `A ${actor} cannot ${action} this booking` });

    const updated = await Booking.findOneAndUpdate(
      // safe: State Machine
      { _id: id, status: { $in: t.from } },
      { $set: { status: t.to, [`${t.to}At`]: new Date() } },
      { new: true },
    );
    if (!updated) return res.status(409).json({ error: `Cannot ${action} a ${booking.status} booking` });

    if (t.to === 'completed') {
      // safe: Concurrency
      await User.updateOne({ _id: booking.tutor }, { $inc: { pendingEarnings: booking.amount * TUTOR_SHARE } });
    }

    if (t.to === 'cancelled') {
      const hoursBefore = (booking.startsAt.getTime() - Date.now()) / 36e5;
      const refundable = actor !== 'student' || hoursBefore >= 24;
      if (refundable && booking.paidWith === 'credits') {
        await User.updateOne({ _id: booking.student }, { $inc: { credits: 1 } });
      }
      if (refundable && booking.paidWith === 'card' && booking.paymentIntentId) {
        // safe: Idempotency
        // vuln: Recovery
        await stripe.refunds.create({ payment_intent: booking.paymentIntentId }, { idempotencyKey: `cancel-refund-${booking.id}` });
        await Booking.updateOne({ _id: id }, { $set: { refundStatus: 'refunded' } });
      }
    }
    return res.json(updated);
  }

  // vuln: Permissions
  if (req.method === 'POST' && req.body?.action === 'review') {
    // safe: State Machine
    if (booking.status !== 'completed') return res.status(409).json({ error: 'You can review a lesson once it is completed' });
    const { review, rating } = req.body;
    booking.review = String(review ?? '').slice(0, 2000);
    // vuln: Data Integrity
    booking.rating = Number(rating);
    await booking.save();
    return res.json({ ok: true });
  }

  if (req.method === 'POST' && req.body?.action === 'refund') {
    if (req.user.role !== 'admin') return res.status(403).json({ error: 'Admins only' });
    const cents = Math.round(Number(req.body.amount ?? booking.amount) * 100);
    // vuln: Idempotency
    const refund = await stripe.refunds.create({ payment_intent: booking.paymentIntentId, amount: cents });
    booking.refundStatus = refund.amount === Math.round(booking.amount * 100) ? 'refunded' : 'partial';
    await booking.save();
    return res.json({ refund: refund.id });
  }

  return res.status(405).end();
}

export default withAuth(handler);
