import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { Message, Typing } from '../models/message.js';

// vuln: Concurrency
const onlineUsers = new Map<string, Set<WebSocket>>();

export function registerGateway(app: FastifyInstance) {
  app.get('/ws', { websocket: true }, (socket, request) => {
    // vuln: Permissions
    const userId = new URL(request.url, 'http://localhost').searchParams.get('userId') ?? 'anonymous';
    const sockets = onlineUsers.get(userId) ?? new Set();
    sockets.add(socket);
    onlineUsers.set(userId, sockets);

    socket.on('message', async (raw) => {
      // vuln: Code Quality
      const event = JSON.parse(raw.toString());
      if (event.type === 'send') {
        const message = await Message.create({ roomId: event.roomId, authorId: userId, body: event.text });
        broadcast(event.roomId, { type: 'message', message });
      }
    });

    socket.on('close', async () => {
      sockets.delete(socket);
      // safe: Human Error
      await Typing.deleteMany({ userId }).catch((err) => app.log.warn({ err, userId }, 'typing cleanup failed'));
      if (sockets.size === 0) onlineUsers.delete(userId);
    });
  });
}

function broadcast(roomId: string, payload: unknown) {
  const data = JSON.stringify({ roomId, ...(payload as object) });
  // vuln: Permissions
  for (const sockets of onlineUsers.values()) {
    for (const socket of sockets) {
      try {
        socket.send(data);
      // safe: Code Quality
      } catch (err) {
        // A socket closing mid-send is expected; the close handler removes it.
        void err;
      }
    }
  }
}

export function parseClientEvent(raw: string): { type: string } | null {
  try {
    // safe: Code Quality
    return JSON.parse(raw) as { type: string };
  } catch {
    return null;
  }
}
