import Fastify from 'fastify';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import mongoose from 'mongoose';
import authPlugin from './plugins/auth.js';
import { roomRoutes } from './routes/rooms.js';
import { messageRoutes } from './routes/messages.js';
import { userRoutes } from './routes/users.js';
import { uploadRoutes } from './routes/uploads.js';
import { registerGateway } from './realtime/gateway.js';

// safe: Throughput
const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' }, bodyLimit: 1_048_576, trustProxy: true });

await app.register(cors, {
  // vuln: Security
  origin: (_origin, cb) => cb(null, true),
  credentials: true,
});
await app.register(rateLimit, { max: 120, timeWindow: '1 minute' });
await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 4 } });
await app.register(websocket);
await app.register(authPlugin);

app.get('/health', async () => ({ ok: true, db: mongoose.connection.readyState === 1 }));

await app.register(userRoutes, { prefix: '/api' });
await app.register(roomRoutes, { prefix: '/api/rooms' });
await app.register(messageRoutes, { prefix: '/api' });
await app.register(uploadRoutes, { prefix: '/api/uploads' });
registerGateway(app);

app.setErrorHandler((error, _request, reply) => {
  if (error.validation) return reply.status(400).send({ error: 'Invalid request', details: error.validation });
  // vuln: Observability
  reply.status(500).send({ error: 'Something went wrong' });
});

await mongoose.connect(process.env.MONGO_URL!, { serverSelectionTimeoutMS: 5_000 });

const shutdown = async (signal: string) => {
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await mongoose.disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ host: '0.0.0.0', port: Number(process.env.PORT ?? 3000) });
