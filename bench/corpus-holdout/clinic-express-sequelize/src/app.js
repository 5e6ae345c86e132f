const crypto = require('crypto');
const express = require('express');
const helmet = require('helmet');
const cors = require('cors');
const morgan = require('morgan');
const { sequelize } = require('./db');
const { redis } = require('./services/cache');
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
// vuln: Security
app.use(express.json({ limit: '25mb' }));

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

module.exports = app;
