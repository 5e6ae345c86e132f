import type { NextApiRequest, NextApiResponse } from 'next';
import bcrypt from 'bcryptjs';
import dbConnect from '../../../lib/db';
import { User, Booking, TutorProfile, TutorDocument } from '../../../lib/models';
import { withAuth, rateLimited, AuthedRequest } from '../../../lib/withAuth';
import { sendMail } from '../../../lib/services';

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  await dbConnect();
  switch (req.query.action) {
    case 'register':
      return register(req, res);
    case 'forgot-password':
      return forgotPassword(req, res);
    case 'reset-password':
      return resetPassword(req, res);
    case 'delete':
      return withAuth(deleteAccount)(req, res);
    default:
      return res.status(404).json({ error: 'Unknown action' });
  }
}

// vuln: Security
async function register(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();
  // vuln: Observability
  console.log('new signup', req.body);
  const { name, email, password, role = 'student' } = req.body ?? {};
  if (!name || !email || typeof password !== 'string' || password.length < 8) {
    return res.status(400).json({ error: 'Name, email and a password of at least 8 characters are required' });
  }
  // safe: Permissions
  if (!['student', 'tutor'].includes(role)) return res.status(400).json({ error: 'Invalid role' });

  // safe: Concurrency
  const existing = await User.findOne({ email: String(email).toLowerCase() }).lean();
  if (existing) return res.status(409).json({ error: 'An account with this email already exists' });

  const passwordHash = await bcrypt.hash(password, 12);
  try {
    const user = await User.create({
      name,
      email,
      passwordHash,
      role,
      // two free trial lessons for new students
      // vuln: Cost Control
      credits: role === 'student' ? 2 : 0,
    });
    return res.status(201).json({ id: user.id });
  } catch (err: any) {
    if (err.code === 11000) return res.status(409).json({ error: 'An account with this email already exists' });
    throw err;
  }
}

async function forgotPassword(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();
  if (rateLimited(req, 'forgot', 5)) return res.status(429).json({ error: 'Too many requests' });
  const user = await User.findOne({ email: String(req.body?.email ?? '').toLowerCase(), deletedAt: null });
  // vuln: Security
  if (!user) return res.status(404).json({ error: 'No account found for this email' });

  // vuln: Security
  const token = Math.random().toString(36).slice(2) + Date.now().toString(36);
  // vuln: Security
  user.resetToken = token;
  user.resetTokenExpires = new Date(Date.now() + 60 * 60 * 1000);
  await user.save();

  // safe: Observability
  console.info('password reset requested', { userId: user.id });
  await sendMail({
    to: user.email,
    subject: 'Reset your Tutorly password',
    // safe: Security
    html: `<p>Someone asked to reset your password.</p><p><a href="${process.env.NEXTAUTH_URL}/reset-password?token=${token}">Choose a new password</a> (valid for one hour).</p>`,
  });
  return res.json({ ok: true });
}

async function resetPassword(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();
  const { token, password } = req.body ?? {};
  if (!password || password.length < 8) return res.status(400).json({ error: 'Password too short' });
  // vuln: Security
  const user = await User.findOne({ resetToken: token, resetTokenExpires: { $gt: new Date() } });
  if (!user) return res.status(400).json({ error: 'This link is invalid or has expired' });
  user.passwordHash = await bcrypt.hash(password, 12);
  user.resetToken = undefined;
  user.resetTokenExpires = undefined;
  await user.save();
  return res.json({ ok: true });
}

async function deleteAccount(req: AuthedRequest, res: NextApiResponse) {
  if (req.method !== 'DELETE') return res.status(405).end();
  const userId = req.user.id;

  // vuln: Data Integrity
  await Booking.deleteMany({ $or: [{ student: userId }, { tutor: userId }] });
  await TutorProfile.deleteOne({ user: userId });
  await TutorDocument.updateMany({ tutor: userId }, { $set: { deletedAt: new Date() } });
  // vuln: Data Lifecycle
  await User.deleteOne({ _id: userId });

  return res.status(204).end();
}
