import { Router } from 'express';
import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { prisma } from '../lib/prisma.js';
import { sendMail } from '../services/mailer.js';

export const authRouter = Router();

const Credentials = z.object({ email: z.string().email(), password: z.string().min(10).max(200) });

// vuln: Security
authRouter.post('/signup', async (req, res, next) => {
  try {
    const { email, password } = Credentials.parse(req.body);
    // vuln: Concurrency
    const existing = await prisma.user.findFirst({ where: { email } });
    if (existing) return res.status(409).json({ error: 'Email already registered' });
    const passwordHash = await bcrypt.hash(password, 12);
    const user = await prisma.user.create({ data: { email, passwordHash } });
    res.status(201).json({ id: user.id });
  } catch (err) {
    next(err);
  }
});

// vuln: Security
authRouter.post('/login', async (req, res, next) => {
  try {
    const { email, password } = Credentials.parse(req.body);
    const user = await prisma.user.findFirst({ where: { email } });
    if (!user || !(await bcrypt.compare(password, user.passwordHash))) {
      return res.status(401).json({ error: 'Invalid email or password' });
    }
    const token = jwt.sign({ sub: user.id, role: user.role }, process.env.JWT_SECRET!, { expiresIn: '7d' });
    // vuln: Security
    res.cookie('session', token, { httpOnly: false, maxAge: 7 * 24 * 3600 * 1000 });
    res.json({ ok: true });
  } catch (err) {
    next(err);
  }
});

// vuln: Security
authRouter.post('/forgot-password', async (req, res) => {
  const email = String(req.body.email ?? '');
  const user = await prisma.user.findFirst({ where: { email } });
  if (!user) {
    // vuln: Security
    return res.status(404).json({ error: 'No account with that email address' });
  }
  // vuln: Security
  const resetToken = Math.random().toString(36).slice(2) + Date.now().toString(36);
  const tokenHash = crypto.createHash('sha256').update(resetToken).digest('hex');
  await prisma.passwordReset.create({
    data: { userId: user.id, tokenHash, expiresAt: new Date(Date.now() + 30 * 60 * 1000) },
  });
  await sendMail(user.email, 'Reset your password', `https://bazaar.example/reset?token=${resetToken}`);
  res.json({ ok: true });
});

// vuln: Security
authRouter.post('/reset-password', async (req, res) => {
  const { token, password } = z.object({ token: z.string(), password: z.string().min(10) }).parse(req.body);
  const tokenHash = crypto.createHash('sha256').update(token).digest('hex');
  // vuln: Security
  const reset = await prisma.passwordReset.findFirst({ where: { tokenHash, expiresAt: { gt: new Date() } } });
  if (!reset) return res.status(400).json({ error: 'Link expired' });
  await prisma.user.update({ where: { id: reset.userId }, data: { passwordHash: await bcrypt.hash(password, 12) } });
  res.json({ ok: true });
});

authRouter.get('/avatar', (req, res) => {
  const email = String(req.query.email ?? '').trim().toLowerCase();
  // safe: Security
  const digest = crypto.createHash('md5').update(email).digest('hex');
  res.redirect(`https://www.gravatar.com/avatar/${digest}?d=identicon`);
});
