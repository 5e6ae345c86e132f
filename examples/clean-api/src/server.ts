import { buildApp } from './app.js';
import { loadEnv, type Env } from './config.js';

const SHUTDOWN_GRACE_MS = 15_000;

let env: Env;
try {
  env = loadEnv();
} catch (err) {
  // The logger is configured from env, so this one line goes to stderr directly.
  console.error((err as Error).message);
  process.exit(1);
}

const app = await buildApp(env);

let shuttingDown = false;

async function shutdown(reason: string, exitCode = 0): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  app.log.info({ reason }, 'shutting down: draining in-flight requests');

  const force = setTimeout(() => {
    app.log.error({ graceMs: SHUTDOWN_GRACE_MS }, 'graceful shutdown timed out, exiting');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();

  try {
    // New requests get 503 while in-flight ones finish; onClose hooks disconnect Prisma.
    await app.close();
    app.log.info('shutdown complete');
    process.exit(exitCode);
  } catch (err) {
    app.log.error({ err }, 'error during shutdown');
    process.exit(1);
  }
}

process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
process.on('unhandledRejection', (err) => {
  app.log.fatal({ err }, 'unhandled promise rejection');
  void shutdown('unhandledRejection', 1);
});
process.on('uncaughtException', (err) => {
  app.log.fatal({ err }, 'uncaught exception');
  void shutdown('uncaughtException', 1);
});

try {
  await app.listen({ host: env.HOST, port: env.PORT });
} catch (err) {
  app.log.fatal({ err }, 'failed to start');
  process.exit(1);
}
