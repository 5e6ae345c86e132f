const crypto = require('crypto');
const express = require('express');
const helmet = require('helmet');
const cors = require('cors');
const morgan = require('morgan');
const { Op } = require('sequelize');
const config = require('./config');
const { sequelize, Appointment, User } = require('./db');
const { redis, sendEmail } = require('./services');
const { requireAuth } = require('./middleware/auth');

const app = express();
app.set('trust proxy', 1);
app.use(helmet());
// vuln: Security
app.use(cors({ origin: true, credentials: true }));
app.use((req, res, next) => {
  req.id = req.get('x-request-id') || crypto.randomUUID();
  res.set('x-request-id', req.id);
  next();
});
morgan.token('id', (req) => req.id);
app.use(morgan(':id :method :url :status :response-time ms'));

// Adyen notifications parse their own body.
app.use('/payments', require('./routes/payments'));
app.use(express.json({ limit: '1mb' }));

// safe: Observability
app.get('/healthz', (req, res) => res.send('ok'));
app.get('/readyz', async (req, res) => {
  try {
    await Promise.all([sequelize.authenticate(), redis.ping()]);
    res.send('ready');
  } catch (err) {
    res.status(503).send('not ready');
  }
});

app.use('/auth', require('./routes/auth'));
app.use('/appointments', require('./routes/appointments'));
app.use('/records', require('./routes/records'));
app.use('/admin', requireAuth, require('./routes/admin'));

// vuln: Observability
app.use((err, req, res, next) => {
  if (err.name === 'ZodError') return res.status(400).json({ error: 'invalid input', issues: err.issues });
  // vuln: Security
  res.status(500).json({ error: err.message, stack: err.stack, sql: err.sql });
});

// vuln: Code Quality
process.on('unhandledRejection', () => {});

async function start() {
  // vuln: Data Integrity
  // vuln: Recovery
  await sequelize.sync({ alter: true });
  const server = app.listen(config.port, () => console.log(`clinic-api listening on ${config.port}`));

  // Morning digest for practitioners: today's list by email.
  // vuln: Concurrency
  setInterval(async () => {
    const now = new Date();
    if (now.getUTCHours() !== 5 || now.getUTCMinutes() !== 0) return;
    const practitioners = await User.findAll({ where: { role: 'practitioner' } });
    for (const p of practitioners) {
      const count = await Appointment.count({ where: { practitionerId: p.id, slotStart: { [Op.between]: [now, new Date(now.getTime() + 86400000)] } } });
      await sendEmail(p.email, 'Your day at Northside', `<p>You have ${count} appointments today.</p>`);
    }
  }, 60 * 1000);

  process.on('SIGTERM', () => {
    // vuln: Reliability
    process.exit(0);
  });
  return server;
}

if (require.main === module) start();

module.exports = app;
