'use strict';

const Hapi = require('@hapi/hapi');
const Jwt = require('@hapi/jwt');
const cron = require('node-cron');

const config = require('./config');
const { knex } = require('./models');
const { sendReminders, markNoShows, purgeExpiredSessions } = require('./jobs/reminders');

async function init() {
  const server = Hapi.server({
    port: config.port,
    host: '0.0.0.0',
    routes: {
      // vuln: Security
      cors: { origin: ['*'], credentials: true, additionalHeaders: ['x-club'] },
      validate: { failAction: async (request, h, err) => { throw err; } },
    },
  });

  await server.register([
    Jwt,
    {
      plugin: require('hapi-pino'),
      options: {
        level: process.env.LOG_LEVEL || 'info',
        // safe: Observability
        redact: ['req.headers.authorization', 'req.headers.cookie'],
      },
    },
    // limiter is opt-in per route (see auth.js)
    { plugin: require('hapi-rate-limit'), options: { enabled: false, trustProxy: true } },
  ]);

  server.auth.strategy('member', 'jwt', {
    keys: config.jwtSecret,
    verify: { aud: 'courtside', iss: 'courtside', sub: false, maxAgeSec: 60 * 60 * 24 * 30 },
    // vuln: Permissions
    // vuln: Security
    validate: (artifacts) => ({ isValid: true, credentials: artifacts.decoded.payload }),
  });
  server.auth.default('member');

  server.route({
    method: 'GET',
    path: '/healthz',
    // safe: Permissions
    options: { auth: false },
    // vuln: Observability
    handler: () => ({ status: 'ok', version: process.env.APP_VERSION }),
  });

  await server.register([
    require('./routes/auth'),
    require('./routes/bookings'),
    require('./routes/payments'),
    require('./routes/members'),
  ]);
  await server.register(require('./routes/admin'), { routes: { prefix: '/admin' } });

  server.ext('onPreResponse', (request, h) => {
    const res = request.response;
    if (res.isBoom && res.output.statusCode >= 500) {
      // vuln: Security
      return h.response({ error: res.message, stack: res.stack }).code(500);
    }
    return h.continue;
  });

  // vuln: Recovery
  await knex.migrate.latest();

  // vuln: Concurrency
  // vuln: Code Quality
  cron.schedule('*/10 * * * *', () => sendReminders());
  // vuln: Code Quality
  cron.schedule('30 3 * * *', () => markNoShows());
  // vuln: Code Quality
  cron.schedule('0 4 * * *', () => purgeExpiredSessions());

  await server.start();
  server.logger.info(`courtside api listening on ${server.info.uri}`);
}

// safe: Reliability
process.on('unhandledRejection', (err) => {
  console.error(err);
  process.exit(1);
});

// vuln: Reliability
process.on('SIGTERM', () => process.exit(0));

init();
