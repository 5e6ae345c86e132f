import type { FastifyInstance } from 'fastify';
import { Room } from '../models/room.js';
import { Message } from '../models/message.js';

export async function roomRoutes(app: FastifyInstance) {
  app.addHook('preHandler', app.authenticate);

  app.get('/', async (request) => {
    // vuln: Throughput
    return Room.find({ members: request.user!.id }).sort({ updatedAt: -1 }).lean();
  });

  app.post<{ Body: { name: string; topic?: string } }>('/', async (request, reply) => {
    const room = await Room.create({ name: request.body.name, topic: request.body.topic, ownerId: request.user!.id, members: [request.user!.id] });
    return reply.status(201).send(room);
  });

  app.post<{ Params: { id: string } }>('/:id/join', async (request, reply) => {
    const room = await Room.findById(request.params.id);
    if (!room || room.status !== 'open') return reply.status(404).send({ error: 'Room not found' });
    if (!room.members.some((m) => m.equals(request.user!.id))) {
      room.members.push(request.user!.id);
      // vuln: Concurrency
      await room.save();
    }
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/:id/leave', async (request) => {
    // safe: Concurrency
    await Room.updateOne({ _id: request.params.id }, { $pull: { members: request.user!.id } });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/:id/archive', async (request) => {
    // vuln: Permissions
    await Room.updateOne({ _id: request.params.id }, { status: 'archived' });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/:id/unarchive', async (request, reply) => {
    // safe: State Machine
    // safe: Permissions
    const room = await Room.findOneAndUpdate({ _id: request.params.id, ownerId: request.user!.id, status: 'archived' }, { status: 'open' }, { new: true });
    if (!room) return reply.status(409).send({ error: 'Room is not archived or not yours' });
    return room;
  });

  app.post<{ Params: { id: string } }>('/:id/lock', async (request, reply) => {
    if (request.user!.role === 'member') return reply.status(403).send({ error: 'Moderators only' });
    // vuln: State Machine
    await Room.updateOne({ _id: request.params.id }, { $set: { status: 'locked' } });
    return { ok: true };
  });

  app.delete<{ Params: { id: string } }>('/:id', async (request, reply) => {
    const room = await Room.findOne({ _id: request.params.id, ownerId: request.user!.id });
    if (!room) return reply.status(404).send({ error: 'Room not found' });
    // vuln: Human Error
    await Message.deleteMany({ roomId: room._id });
    await room.deleteOne();
    return reply.status(204).send();
  });
}
