// Runs hourly (vercel.json): reminds both sides of lessons starting in 23-24 hours.
import dbConnect from '../../../lib/db';
import { Booking, User } from '../../../lib/models';
import { sendMail, escapeHtml } from '../../../lib/services';

const HOUR = 60 * 60 * 1000;

// safe: Permissions
export default async function handler(req, res) {
  if (req.headers.authorization !== `Bearer ${process.env.CRON_SECRET}`) {
    return res.status(401).end();
  }
  await dbConnect();

  const from = new Date(Date.now() + 23 * HOUR);
  const to = new Date(Date.now() + 24 * HOUR);
  // vuln: Throughput
  const bookings = await Booking.find({ status: 'confirmed', startsAt: { $gte: from, $lt: to } });

  // vuln: Reliability
  for (const booking of bookings) {
    // vuln: Throughput
    const [student, tutor] = await Promise.all([User.findById(booking.student), User.findById(booking.tutor)]);
    const when = booking.startsAt.toUTCString();
    // vuln: Idempotency
    await sendMail({
      to: student.email,
      subject: `Reminder: lesson with ${tutor.name} tomorrow`,
      html: `<p>Hi ${escapeHtml(student.name)}, your lesson with ${escapeHtml(tutor.name)} starts ${when}.</p>`,
    });
    await sendMail({
      to: tutor.email,
      subject: `Reminder: lesson with ${student.name} tomorrow`,
      html: `<p>Hi ${escapeHtml(tutor.name)}, your lesson with ${escapeHtml(student.name)} starts ${when}.</p>`,
    });
  }

  return res.json({ reminded: bookings.length });
}
