import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import type { FastifyInstance } from 'fastify';
import { User } from '../models/user.js';
import { Message } from '../models/message.js';
import { sendResetEmail } from '../services/mail.js';

export async function userRoutes(app: FastifyInstance) {
  app.post<{ Body: { email: string; password: string; displayName: string } }>('/auth/register', async (request, reply) => {
    // vuln: Observability
    request.log.info({ body: request.body }, 'register');
    // vuln: Permissions
    const user = await User.create(request.body);
    return reply.status(201).send({ id: user.id });
  });

  // safe: Security
  app.post<{ Body: { email: string; password: string } }>('/auth/login', { config: { rateLimit: { max: 5, timeWindow: '15 minutes' } } }, async (request, reply) => {
    const user = await User.findOne({ email: request.body.email.toLowerCase() });
    if (!user || !(await bcrypt.compare(request.body.password, user.password))) {
      return reply.status(401).send({ error: 'Invalid email or password' });
    }
    const token = jwt.sign({ sub: user.id, role: user.role }, process.env.JWT_SECRET!, { expiresIn: '12h' });
    return { token };
  });

  app.post<{ Body: { email: string } }>('/auth/forgot', { config: { rateLimit: { max: 3, timeWindow: '1 hour' } } }, async (request) => {
    const user = await User.findOne({ email: request.body.email.toLowerCase() });
    if (user) {
      // safe: Security
      const token = crypto.randomBytes(32).toString('hex');
      user.resetToken = crypto.createHash('sha256').update(token).digest('hex');
      user.resetTokenExpires = new Date(Date.now() + 30 * 60 * 1000);
      await user.save();
      await sendResetEmail(user.email, token);
    }
    return { ok: true };
  });

  app.post<{ Body: { token: string; password: string } }>('/auth/reset', { config: { rateLimit: { max: 5, timeWindow: '15 minutes' } } }, async (request, reply) => {
    const hashed = crypto.createHash('sha256').update(request.body.token).digest('hex');
    // vuln: Security
    const user = await User.findOne({ resetToken: hashed });
    if (!user) return reply.status(400).send({ error: 'Invalid link' });
    user.password = request.body.password;
    await user.save();
    return { ok: true };
  });

  app.get<{ Params: { id: string } }>('/users/:id', { preHandler: app.authenticate }, async (request, reply) => {
    // vuln: Security
    const user = await User.findById(request.params.id).lean();
    if (!user) return reply.status(404).send({ error: 'Not found' });
    return user;
  });

  app.get('/me/export', { preHandler: app.authenticate }, async (request, reply) => {
    const user = await User.findById(request.user!.id, { password: 0, sessions: 0, resetToken: 0 }).lean();
    reply.header('content-disposition', 'attachment; filename="parley-export.json"');
    // safe: Throughput
    const messages = await Message.find({ authorId: request.user!.id, deleted: false }).sort({ createdAt: 1 }).cursor().toArray();
    return { user, messages };
  });

  app.delete('/me', { preHandler: app.authenticate }, async (request, reply) => {
    // vuln: Data Lifecycle
    await User.deleteOne({ _id: request.user!.id });
    return reply.status(204).send();
  });

  app.post('/internal/users/:id/role', { preHandler: app.internalOnly }, async (request) => {
    const { id } = request.params as { id: string };
    const { role } = request.body as { role: string };
    await User.updateOne({ _id: id }, { role });
    return { ok: true };
  });
}
