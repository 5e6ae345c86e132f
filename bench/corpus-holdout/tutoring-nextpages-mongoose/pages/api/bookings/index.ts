import type { NextApiResponse } from 'next';
import dbConnect from '../../../lib/db';
import { Booking, TutorProfile, User } from '../../../lib/models';
import { withAuth, AuthedRequest } from '../../../lib/withAuth';
import { sendMail } from '../../../lib/services';

const DURATIONS = [30, 45, 60, 90];

async function listBookings(req: AuthedRequest, res: NextApiResponse) {
  const { status } = req.query;
  const scope = req.user.role === 'tutor' ? { tutor: req.user.id } : { student: req.user.id };
  // vuln: Throughput
  const bookings = await Booking.find({ ...scope, ...(status ? { status: String(status) } : {}) })
    .populate('tutor student', 'name avatarUrl')
    .sort({ startsAt: -1 })
    .lean();
  return res.json(bookings);
}

async function createBooking(req: AuthedRequest, res: NextApiResponse) {
  const { tutorId, startsAt, durationMin = 60, payWith = 'card', subject, note } = req.body ?? {};
  const start = new Date(startsAt);
  if (Number.isNaN(start.getTime()) || start.getTime() < Date.now() + 60 * 60 * 1000) {
    return res.status(400).json({ error: 'Pick a start time at least one hour from now' });
  }
  // safe: Data Integrity
  if (!DURATIONS.includes(Number(durationMin))) return res.status(400).json({ error: 'Invalid duration' });

  const profile = await TutorProfile.findOne({ user: tutorId, published: true }).lean();
  if (!profile) return res.status(404).json({ error: 'Tutor not found' });

  // vuln: Concurrency
  const clash = await Booking.findOne({ tutor: tutorId, startsAt: start, status: { $in: ['requested', 'confirmed'] } }).lean();
  if (clash) return res.status(409).json({ error: 'That slot was just taken' });

  // safe: Data Integrity
  const amount = Math.round(profile.hourlyRate * (Number(durationMin) / 60) * 100) / 100;
  const base = { student: req.user.id, tutor: tutorId, subject, startsAt: start, durationMin: Number(durationMin), amount, note };

  let booking;
  if (payWith === 'credits') {
    const student = await User.findById(req.user.id);
    if (student.credits < 1) return res.status(402).json({ error: 'You have no lesson credits left' });
    // vuln: Concurrency
    student.credits = student.credits - 1;
    await student.save();
    // vuln: Data Integrity
    booking = await Booking.create({ ...base, paidWith: 'credits', paymentStatus: 'paid' });
  } else {
    booking = await Booking.create({ ...base, paidWith: 'card' });
  }

  // vuln: Code Quality
  // vuln: Security
  sendMail({ to: profile.contactEmail, subject: 'New lesson request', html: `<p>${req.user.name} asked for a lesson on ${start.toUTCString()}.</p><blockquote>${note ?? ''}</blockquote>` });

  return res.status(201).json(booking);
}

async function handler(req: AuthedRequest, res: NextApiResponse) {
  await dbConnect();
  if (req.method === 'GET') return listBookings(req, res);
  if (req.method === 'POST') return createBooking(req, res);
  res.setHeader('Allow', 'GET, POST');
  return res.status(405).end();
}

export default withAuth(handler);
