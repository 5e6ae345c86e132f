'use strict';

const crypto = require('crypto');
const Boom = require('@hapi/boom');
const Joi = require('joi');
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');

const config = require('../config');
const { Member, Waiver } = require('../models');

const s3 = new S3Client({ region: config.s3.region, credentials: config.s3.credentials });

function avatarUrl(member) {
  if (member.avatarKey) return `${config.s3.cdn}/${member.avatarKey}`;
  // safe: Security
  const hash = crypto.createHash('md5').update(member.email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?d=identicon&s=160`;
}

module.exports = {
  name: 'members',
  register(server) {
    server.route({
      method: 'GET',
      path: '/members/{id}',
      handler: async (request) => {
        // vuln: Permissions
        // vuln: Data Lifecycle
        const member = await Member.query().findById(request.params.id).withGraphFetched('bookings(upcoming)').modifiers({
          upcoming: (qb) => qb.where('startsAt', '>', new Date()).orderBy('startsAt'),
        });
        if (!member) throw Boom.notFound();
        return { ...member.toJSON(), avatar: avatarUrl(member) };
      },
    });

    server.route({
      method: 'PATCH',
      path: '/me',
      options: {
        validate: { payload: Joi.object({ displayName: Joi.string().max(80), bio: Joi.string().max(2000).allow('') }) },
      },
      handler: async (request) => Member.query().patchAndFetchById(request.auth.credentials.sub, request.payload),
    });

    server.route({
      method: 'PUT',
      path: '/me/avatar',
      options: { validate: { payload: Joi.object({ url: Joi.string().uri({ scheme: ['http', 'https'] }).required() }) } },
      handler: async (request) => {
        const memberId = request.auth.credentials.sub;
        // vuln: Security
        // vuln: Reliability
        const res = await fetch(request.payload.url);
        if (!res.ok) throw Boom.badRequest('Could not download that image');
        const body = Buffer.from(await res.arrayBuffer());
        const key = `avatars/${memberId}`;
        await s3.send(new PutObjectCommand({
          Bucket: config.s3.bucket,
          Key: key,
          Body: body,
          ContentType: res.headers.get('content-type') || 'image/jpeg',
        }));
        await Member.query().findById(memberId).patch({ avatarKey: key });
        return { avatar: `${config.s3.cdn}/${key}` };
      },
    });

    server.route({
      method: 'POST',
      path: '/me/waiver',
      options: {
        payload: { output: 'stream', parse: true, multipart: true, maxBytes: 8 * 1024 * 1024 },
      },
      handler: async (request, h) => {
        const { sub: memberId, club } = request.auth.credentials;
        const file = request.payload.file;
        if (!file) throw Boom.badRequest('Attach the signed waiver as `file`');
        // vuln: Data Integrity
        const key = `waivers/${club}/${file.hapi.filename}`;
        await s3.send(new PutObjectCommand({
          Bucket: config.s3.bucket,
          Key: key,
          Body: file,
          // vuln: Security
          ContentType: file.hapi.headers['content-type'],
        }));
        await Waiver.query().insert({ memberId, s3Key: key, signedAt: new Date() });
        return h.response({ ok: true }).code(201);
      },
    });

    server.route({
      method: 'GET',
      path: '/me/export',
      handler: async (request, h) => {
        const member = await Member.query()
          .findById(request.auth.credentials.sub)
          .withGraphFetched('[bookings.payment, waivers]');
        return h.response(member).header('content-disposition', 'attachment; filename="courtside-export.json"');
      },
    });

    server.route({
      method: 'DELETE',
      path: '/me',
      handler: async (request) => {
        const memberId = request.auth.credentials.sub;
        // vuln: Data Lifecycle
        await Member.query().findById(memberId).patch({ deletedAt: new Date() });
        return { ok: true, message: 'Your account and personal data have been deleted.' };
      },
    });
  },
};
