import fastifyJwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden } from '../lib/errors.js';

export type Role = 'OWNER' | 'MEMBER';

export interface TokenClaims {
  /** User id. */
  sub: string;
  /** Workspace id: every query is scoped to it. */
  wid: string;
  role: Role;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

const ISSUER = 'beacon-api';

export default fp<{ secret: string }>(
  async (app, opts) => {
    await app.register(fastifyJwt, {
      secret: opts.secret,
      sign: { algorithm: 'HS256', iss: ISSUER, expiresIn: '1h' },
      verify: { algorithms: ['HS256'], allowedIss: ISSUER },
    });

    app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await request.jwtVerify();
      } catch (err) {
        request.log.info({ err }, 'rejected request with a missing or invalid bearer token');
        return reply.code(401).send({ error: 'Unauthorized', requestId: request.id });
      }
    });
  },
  { name: 'auth' },
);

export function requireRole(user: TokenClaims, role: Role): void {
  if (role === 'OWNER' && user.role !== 'OWNER') throw forbidden('Only workspace owners can do that');
}
