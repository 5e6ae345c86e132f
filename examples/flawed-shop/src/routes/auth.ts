import bcrypt from 'bcryptjs';
import { Router } from 'express';
import { config } from '../config';
import { mailer } from '../lib/mailer';
import { prisma } from '../lib/prisma';
import { signToken } from '../middleware/auth';

export const authRouter = Router();

const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;

function publicUser(user: { id: string; email: string; name: string | null; role: string }) {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

authRouter.post('/auth/register', async (req, res) => {
  const { email, password, name } = req.body ?? {};
  if (typeof email !== 'string' || !email.includes('@') || typeof password !== 'string' || password.length < 8) {
    res.status(400).json({ error: 'A valid email and a password of at least 8 characters are required' });
    return;
  }

  const normalized = email.trim().toLowerCase();
  const existing = await prisma.user.findUnique({ where: { email: normalized } });
  if (existing) {
    res.status(409).json({ error: 'An account with this email already exists' });
    return;
  }

  const user = await prisma.user.create({
    data: { email: normalized, name: typeof name === 'string' ? name : null, passwordHash: await bcrypt.hash(password, 10) },
  });
  res.status(201).json({ token: signToken(user), user: publicUser(user) });
});

authRouter.post('/auth/login', async (req, res) => {
  const { email, password } = req.body ?? {};
  const user = await prisma.user.findUnique({ where: { email: String(email ?? '').trim().toLowerCase() } });

  if (!user || !(await bcrypt.compare(String(password ?? ''), user.passwordHash))) {
    res.status(401).json({ error: 'Invalid email or password' });
    return;
  }

  res.json({ token: signToken(user), user: publicUser(user) });
});

authRouter.post('/auth/password-reset', async (req, res) => {
  const email = String(req.body?.email ?? '').trim().toLowerCase();
  const user = await prisma.user.findUnique({ where: { email } });

  if (user) {
    const token = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
    await prisma.passwordResetToken.create({
      data: { token, userId: user.id, expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS) },
    });

    const link = `${config.appUrl}/reset-password?token=${token}`;
    mailer.send(
      user.email,
      'Reset your Larkspur password',
      `<p>Someone asked to reset the password for your Larkspur account.</p>
       <p><a href="${link}">Choose a new password</a>. This link expires in one hour.</p>`,
    );
  }

  // Same answer either way so the endpoint does not reveal which emails have accounts.
  res.json({ ok: true });
});

authRouter.post('/auth/password-reset/confirm', async (req, res) => {
  const { token, password } = req.body ?? {};
  if (typeof password !== 'string' || password.length < 8) {
    res.status(400).json({ error: 'Password must be at least 8 characters' });
    return;
  }

  const record = await prisma.passwordResetToken.findUnique({ where: { token: String(token ?? '') } });
  if (!record || record.usedAt || record.expiresAt < new Date()) {
    res.status(400).json({ error: 'This reset link is invalid or has expired' });
    return;
  }

  const passwordHash = await bcrypt.hash(password, 10);
  await prisma.$transaction([
    prisma.user.update({ where: { id: record.userId }, data: { passwordHash } }),
    prisma.passwordResetToken.update({ where: { id: record.id }, data: { usedAt: new Date() } }),
  ]);
  res.json({ ok: true });
});
