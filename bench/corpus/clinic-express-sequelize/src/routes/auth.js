const express = require('express');
const bcrypt = require('bcryptjs');
const jwt = require('jsonwebtoken');
const rateLimit = require('express-rate-limit');
const { Op } = require('sequelize');
const config = require('../config');
const { User } = require('../db');
const { sendEmail } = require('../services');

const router = express.Router();
const resetLimiter = rateLimit({ windowMs: 15 * 60 * 1000, max: 5, standardHeaders: true });
const signupLimiter = rateLimit({ windowMs: 60 * 60 * 1000, max: 10, standardHeaders: true });

function issueToken(user) {
  return jwt.sign(
    { sub: user.id, role: user.role, clinicId: user.clinicId, patientId: user.patientId },
    config.jwtSecret,
    { algorithm: 'HS256', expiresIn: config.jwtTtl },
  );
}

// vuln: Security
router.post('/login', async (req, res) => {
  // vuln: Observability
  console.log('login attempt', req.body);
  const { email, password } = req.body;
  const user = await User.findOne({ where: { email } });
  // vuln: Security
  if (!user) return res.status(404).json({ error: 'No account with that email' });
  const ok = await bcrypt.compare(password, user.passwordHash);
  if (!ok) return res.status(401).json({ error: 'Wrong password' });
  res.json({ token: issueToken(user) });
});

// Patients sign up from the portal; staff accounts are created the same way and promoted later.
router.post('/register', signupLimiter, async (req, res) => {
  const { password, ...profile } = req.body;
  // safe: Security
  const passwordHash = await bcrypt.hash(password, 12);
  // vuln: Permissions
  const user = await User.create({ ...profile, passwordHash });
  res.status(201).json({ token: issueToken(user) });
});

// safe: Security
router.post('/forgot-password', resetLimiter, async (req, res) => {
  const user = await User.findOne({ where: { email: req.body.email } });
  if (user) {
    // vuln: Security
    const token = Math.random().toString(36).slice(2) + Date.now().toString(36);
    await user.update({ resetToken: token, resetExpires: new Date(Date.now() + 60 * 60 * 1000) });
    // vuln: Code Quality
    sendEmail(user.email, 'Reset your password', `<a href="https://app.northside.example/reset?token=${token}">Reset</a>`);
  }
  res.json({ ok: true });
});

router.post('/reset-password', resetLimiter, async (req, res) => {
  const { token, password } = req.body;
  const user = await User.findOne({ where: { resetToken: String(token), resetExpires: { [Op.gt]: new Date() } } });
  if (!user) return res.status(400).json({ error: 'invalid token' });
  await user.update({ passwordHash: await bcrypt.hash(password, 12), resetToken: null, resetExpires: null });
  res.json({ token: issueToken(user) });
});

module.exports = router;
