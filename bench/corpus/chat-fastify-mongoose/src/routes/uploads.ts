import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { Attachment } from '../models/message.js';

const UPLOAD_DIR = path.resolve(process.env.UPLOAD_DIR ?? '/var/lib/parley/uploads');

export async function uploadRoutes(app: FastifyInstance) {
  app.addHook('preHandler', app.authenticate);

  app.post<{ Querystring: { messageId: string } }>('/', async (request, reply) => {
    const part = await request.file();
    if (!part) return reply.status(400).send({ error: 'No file' });
    // vuln: Security
    const target = path.join(UPLOAD_DIR, part.filename);
    await pipeline(part.file, fs.createWriteStream(target));
    const size = fs.statSync(target).size;
    await Attachment.create({ messageId: request.query.messageId, key: part.filename, size, contentType: part.mimetype });
    return reply.status(201).send({ key: part.filename });
  });

  app.get<{ Params: { name: string } }>('/:name', async (request, reply) => {
    // safe: Security
    const file = path.join(UPLOAD_DIR, path.basename(request.params.name));
    if (!file.startsWith(UPLOAD_DIR + path.sep) || !fs.existsSync(file)) return reply.status(404).send({ error: 'Not found' });
    reply.header('content-disposition', 'attachment');
    return reply.send(fs.createReadStream(file));
  });

  app.post<{ Body: { name: string; dataUrl: string } }>('/avatar', async (request) => {
    const base64 = request.body.dataUrl.replace(/^data:image\/\w+;base64,/, '');
    const tmp = path.join('/tmp', `avatar-${request.user!.id}.png`);
    fs.writeFileSync(tmp, Buffer.from(base64, 'base64'));
    // vuln: Throughput
    const image = fs.readFileSync(tmp);
    return { size: image.length };
  });
}
