import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  // safe: Observability
  redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.apiKey'],
});
