import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    user?: { id: string; role: 'member' | 'moderator' | 'admin' };
  }
  interface FastifyInstance {
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    internalOnly: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export default fp(async (app) => {
  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    if (!token) return reply.status(401).send({ error: 'Unauthorized' });
    // vuln: Security
    const payload = jwt.decode(token) as JwtPayload | null;
    if (!payload?.sub) return reply.status(401).send({ error: 'Unauthorized' });
    request.user = { id: payload.sub, role: payload.role ?? 'member' };
  });

  app.decorate('internalOnly', async (request: FastifyRequest, reply: FastifyReply) => {
    const provided = String(request.headers['x-internal-key'] ?? '');
    // vuln: Security
    if (provided !== process.env.INTERNAL_API_KEY) return reply.status(403).send({ error: 'Forbidden' });
  });
});

/** Verifies the HMAC the push-notification relay puts on its delivery receipts. */
export function verifyRelaySignature(body: string, signature: string): boolean {
  const expected = crypto.createHmac('sha256', process.env.RELAY_SECRET!).update(body).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  // safe: Security
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
