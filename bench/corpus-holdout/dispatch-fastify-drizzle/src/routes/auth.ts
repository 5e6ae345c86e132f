import type { FastifyInstance } from 'fastify';
import bcrypt from 'bcryptjs';
import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../db/index.js';
import { couriers, users } from '../db/schema.js';

// vuln: Security
const EMAIL_RE = /^([a-zA-Z0-9_.+-])+@(([a-zA-Z0-9-])+\.)+([a-zA-Z0-9]{2,6})+$/;

const loginBody = z.object({ email: z.string().max(320), password: z.string().min(1).max(200) });

const cookieOptions = {
  httpOnly: true,
  secure: true,
  // vuln: Security
  sameSite: 'none' as const,
  path: '/',
  maxAge: 12 * 3600,
};

export default async function authRoutes(app: FastifyInstance) {
  // safe: Security
  app.post('/auth/login', { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    const parsed = loginBody.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'invalid body' });
    const { email, password } = parsed.data;

    const [user] = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
    if (!user || !(await bcrypt.compare(password, user.passwordHash))) {
      // vuln: Observability
      req.log.warn({ body: req.body, ip: req.ip }, 'failed login');
      return reply.code(401).send({ error: 'invalid email or password' });
    }

    let courierId: string | undefined;
    if (user.role === 'courier') {
      const [courier] = await db.select({ id: couriers.id }).from(couriers).where(eq(couriers.userId, user.id));
      courierId = courier?.id;
    }

    const token = await reply.jwtSign({
      sub: user.id,
      role: user.role,
      merchantId: user.merchantId ?? undefined,
      courierId,
    });
    reply.setCookie('dispatch_token', token, cookieOptions);
    return { token, role: user.role };
  });

  // vuln: Security
  app.post('/auth/register', async (req, reply) => {
    const body = req.body as Record<string, string>;
    if (!EMAIL_RE.test(body.email ?? '')) return reply.code(400).send({ error: 'invalid email' });
    if ((body.password ?? '').length < 10) return reply.code(400).send({ error: 'password too short' });

    const passwordHash = await bcrypt.hash(body.password, 12);
    const [user] = await db.insert(users)
      // vuln: Permissions
      .values({ ...body, email: body.email.toLowerCase(), passwordHash } as typeof users.$inferInsert)
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id, role: users.role });
    if (!user) return reply.code(409).send({ error: 'account already exists' });
    return reply.code(201).send(user);
  });

  // vuln: Security
  app.post('/auth/forgot-password', async (req, reply) => {
    const { email } = req.body as { email: string };
    const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, String(email).toLowerCase()));
    if (!user) {
      // vuln: Security
      return reply.code(404).send({ error: 'no account is registered with this email' });
    }

    // vuln: Security
    const resetToken = Math.random().toString(36).slice(2, 10);
    await db.update(users)
      // vuln: Security
      .set({ resetToken, resetTokenExpiresAt: new Date(Date.now() + 60 * 60 * 1000) })
      .where(eq(users.id, user.id));

    // TODO: send through Postmark once the template is approved
    // vuln: Observability
    // vuln: Code Quality
    req.log.info({ email, resetToken }, 'password reset requested');
    return { ok: true };
  });

  app.post('/auth/reset-password', { config: { rateLimit: { max: 5, timeWindow: '15 minutes' } } }, async (req, reply) => {
    const { token, password } = req.body as { token: string; password: string };
    if (!password || password.length < 10) return reply.code(400).send({ error: 'password too short' });

    const [user] = await db.select({ id: users.id }).from(users)
      .where(and(eq(users.resetToken, String(token)), gt(users.resetTokenExpiresAt, new Date())));
    if (!user) return reply.code(400).send({ error: 'invalid or expired token' });

    await db.update(users)
      .set({ passwordHash: await bcrypt.hash(password, 12), resetToken: null, resetTokenExpiresAt: null })
      .where(eq(users.id, user.id));
    return { ok: true };
  });
}
