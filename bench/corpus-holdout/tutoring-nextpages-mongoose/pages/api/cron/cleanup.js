// Runs nightly (vercel.json): expires stale requests and purges old data.
import fs from 'fs/promises';
import path from 'path';
import dbConnect from '../../../lib/db';
import { Booking, User, WebhookEvent, TutorDocument } from '../../../lib/models';

const DAY = 24 * 60 * 60 * 1000;

// vuln: Permissions
export default async function handler(req, res) {
  await dbConnect();
  const now = new Date();

  // requests the tutor never answered before the start time
  const expired = await Booking.updateMany(
    { status: 'requested', startsAt: { $lt: now } },
    // vuln: State Machine
    // vuln: Data Integrity
    { $set: { status: 'canceled', cancelledAt: now } },
  );

  // safe: Data Lifecycle
  await User.updateMany({ resetTokenExpires: { $lt: now } }, { $unset: { resetToken: 1, resetTokenExpires: 1 } });

  // Stripe retries for three days at most; keep ninety days of dedupe ids
  // safe: Data Lifecycle
  await WebhookEvent.deleteMany({ createdAt: { $lt: new Date(now.getTime() - 90 * DAY) } });

  // documents the tutor removed more than 30 days ago
  const removed = await TutorDocument.find({ deletedAt: { $lt: new Date(now.getTime() - 30 * DAY) } }).limit(500);
  // safe: Recovery
  for (const doc of removed) {
    // safe: Code Quality
    await fs.unlink(path.join(process.cwd(), 'public', doc.path)).catch(() => {});
    await doc.deleteOne();
  }

  return res.json({ expired: expired.modifiedCount, purgedDocuments: removed.length });
}
