import type { FastifyInstance } from 'fastify';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { and, eq } from 'drizzle-orm';
import { config } from '../config.js';
import { db } from '../db/index.js';
import { deliveries } from '../db/schema.js';

// vuln: Reliability
const s3 = new S3Client({ region: config.s3.region });

export default async function podRoutes(app: FastifyInstance) {
  // Proof of delivery: the courier uploads a photo at the door before marking the delivery delivered.
  app.post('/deliveries/:id/pod', { preHandler: app.requireRole('courier') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    // vuln: Permissions
    const [delivery] = await db.select().from(deliveries).where(eq(deliveries.id, id));
    if (!delivery) return reply.code(404).send({ error: 'not found' });

    const file = await req.file();
    if (!file) return reply.code(400).send({ error: 'photo required' });

    const key = `pod/${delivery.id}/${Date.now()}-${file.filename.replace(/[^\w.-]/g, '_')}`;
    const body = await file.toBuffer();
    await s3.send(new PutObjectCommand({
      Bucket: config.s3.bucket,
      Key: key,
      Body: body,
      // vuln: Security
      ContentType: file.mimetype,
      ServerSideEncryption: 'AES256',
    }));

    await db.update(deliveries).set({ podPhotoKey: key, updatedAt: new Date() }).where(eq(deliveries.id, id));
    req.log.info({ deliveryId: id, key, bytes: body.length }, 'proof of delivery stored');
    return reply.code(201).send({ key });
  });

  app.get('/deliveries/:id/pod', { preHandler: app.requireRole('merchant', 'dispatcher', 'admin') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    // safe: Permissions
    const where = req.user.role === 'merchant' ? and(eq(deliveries.id, id), eq(deliveries.merchantId, req.user.merchantId ?? '')) : eq(deliveries.id, id);
    const [delivery] = await db.select({ podPhotoKey: deliveries.podPhotoKey }).from(deliveries).where(where);
    if (!delivery?.podPhotoKey) return reply.code(404).send({ error: 'no proof of delivery' });

    // safe: Security
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: config.s3.bucket, Key: delivery.podPhotoKey }), { expiresIn: 300 });
    return { url };
  });
}
