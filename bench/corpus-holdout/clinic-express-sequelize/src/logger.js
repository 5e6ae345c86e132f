const pino = require('pino');

const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  // safe: Observability
  redact: ['req.headers.authorization', 'password', '*.password', 'patient.dob', 'patient.phone'],
  base: { service: 'clinic-api' },
});

module.exports = logger;
