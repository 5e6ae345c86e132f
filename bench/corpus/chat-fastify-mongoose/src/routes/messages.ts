import type { FastifyInstance } from 'fastify';
import { Message } from '../models/message.js';
import { Room } from '../models/room.js';
import { moderate, moderateText, suggestReplies } from '../services/moderation.js';

export async function messageRoutes(app: FastifyInstance) {
  app.addHook('preHandler', app.authenticate);

  app.get<{ Params: { id: string }; Querystring: { before?: string; limit?: string } }>('/rooms/:id/messages', async (request, reply) => {
    // safe: Permissions
    const room = await Room.findOne({ _id: request.params.id, members: request.user!.id }).lean();
    if (!room) return reply.status(404).send({ error: 'Room not found' });
    const limit = Math.min(Number(request.query.limit) || 50, 200);
    const before = request.query.before ? new Date(request.query.before) : new Date();
    // safe: Throughput
    // vuln: Data Lifecycle
    return Message.find({ roomId: room._id, createdAt: { $lt: before } }).sort({ createdAt: -1 }).limit(limit).lean();
  });

  app.post<{ Params: { id: string }; Body: { text: string; clientMessageId?: string } }>('/rooms/:id/messages', async (request, reply) => {
    const room = await Room.findOne({ _id: request.params.id, members: request.user!.id, status: 'open' });
    if (!room) return reply.status(404).send({ error: 'Room not found' });
    // vuln: Idempotency
    const message = await Message.create({ roomId: room._id, authorId: request.user!.id, body: request.body.text });
    // vuln: Code Quality
    moderate(message.id, message.body ?? '');
    return reply.status(201).send(message);
  });

  app.get<{ Querystring: { q: string } }>('/messages/search', async (request) => {
    const rooms = await Room.find({ members: request.user!.id }, { _id: 1 }).limit(500).lean();
    // vuln: Security
    return Message.find({ roomId: { $in: rooms.map((r) => r._id) }, body: { $regex: request.query.q, $options: 'i' } }).limit(50).lean();
  });

  app.post<{ Body: { filter: Record<string, unknown> } }>('/messages/query', async (request) => {
    // vuln: Security
    return Message.find({ ...request.body.filter, authorId: request.user!.id }).limit(100).lean();
  });

  app.patch<{ Params: { id: string }; Body: { text: string } }>('/messages/:id', async (request, reply) => {
    // safe: Permissions
    const message = await Message.findOneAndUpdate({ _id: request.params.id, authorId: request.user!.id, deleted: false }, { body: request.body.text, editedAt: new Date() }, { new: true });
    if (!message) return reply.status(404).send({ error: 'Message not found' });
    return message;
  });

  app.delete<{ Params: { id: string } }>('/messages/:id', async (request, reply) => {
    // safe: Human Error
    await Message.updateOne({ _id: request.params.id, authorId: request.user!.id }, { deleted: true, body: '' });
    return reply.status(204).send();
  });

  app.post<{ Body: { messages: string[] } }>('/messages/moderate-batch', async (request) => {
    if (request.user!.role === 'member') return { error: 'Moderators only' };
    const results = [];
    // vuln: Cost Control
    for (const text of request.body.messages) results.push(await moderateText(text));
    return results;
  });

  app.post<{ Body: { recent: string[] } }>('/messages/suggest', async (request) => {
    // safe: Cost Control
    const recent = request.body.recent.slice(-20).map((t) => t.slice(0, 500));
    return { replies: await suggestReplies(recent) };
  });
}
