import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../lib/errors.js';
import { isUniqueViolation, prisma } from '../lib/prisma.js';
import type { TokenClaims } from '../plugins/auth.js';

const BCRYPT_ROUNDS = 12;

// Compared against when no user matches, so unknown and known emails take the same time.
const TIMING_FALLBACK_HASH = bcrypt.hashSync('beacon-timing-fallback', BCRYPT_ROUNDS);

const Email = z.string().trim().toLowerCase().email().max(254);

const Credentials = z.object({
  email: Email,
  password: z.string().min(1).max(200),
});

const Registration = z.object({
  email: Email,
  password: z.string().min(12, 'Use at least 12 characters').max(200),
  name: z.string().trim().min(1).max(100),
  workspaceName: z.string().trim().min(1).max(100),
});

function publicUser(user: { id: string; email: string; name: string; role: string; workspaceId: string }) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, workspaceId: user.workspaceId };
}

export default async function authRoutes(app: FastifyInstance) {
  const issueToken = (user: { id: string; workspaceId: string; role: TokenClaims['role'] }) =>
    app.jwt.sign({ sub: user.id, wid: user.workspaceId, role: user.role });

  app.post('/auth/register', { config: { rateLimit: { max: 10, timeWindow: '1 hour' } } }, async (request, reply) => {
    const body = Registration.parse(request.body);
    const passwordHash = await bcrypt.hash(body.password, BCRYPT_ROUNDS);

    try {
      const user = await prisma.$transaction(async (tx) => {
        const workspace = await tx.workspace.create({ data: { name: body.workspaceName } });
        return tx.user.create({
          data: { email: body.email, name: body.name, passwordHash, role: 'OWNER', workspaceId: workspace.id },
        });
      });
      request.log.info({ userId: user.id, workspaceId: user.workspaceId }, 'workspace registered');
      return reply.code(201).send({ token: issueToken(user), user: publicUser(user) });
    } catch (err) {
      if (isUniqueViolation(err)) throw new HttpError(409, 'An account with this email already exists');
      throw err;
    }
  });

  app.post('/auth/login', { config: { rateLimit: { max: 5, timeWindow: '1 minute' } } }, async (request, reply) => {
    const { email, password } = Credentials.parse(request.body);
    const user = await prisma.user.findUnique({ where: { email } });
    const matches = await bcrypt.compare(password, user?.passwordHash ?? TIMING_FALLBACK_HASH);

    if (!user || !matches) {
      request.log.info({ knownUser: Boolean(user) }, 'login rejected');
      return reply.code(401).send({ error: 'Invalid email or password', requestId: request.id });
    }
    return { token: issueToken(user), user: publicUser(user) };
  });

  app.get('/auth/me', { onRequest: [app.authenticate] }, async (request) => {
    const user = await prisma.user.findUniqueOrThrow({ where: { id: request.user.sub } });
    return publicUser(user);
  });
}
