'use strict';

const crypto = require('crypto');
const Boom = require('@hapi/boom');
const Joi = require('joi');
const Jwt = require('@hapi/jwt');
const bcrypt = require('bcryptjs');

const config = require('../config');
const { knex, Club, Member } = require('../models');
const { sendSms } = require('../jobs/reminders');

function issueToken(member, sid) {
  return Jwt.token.generate(
    { sub: member.id, club: member.clubId, scope: [member.role], sid, aud: 'courtside', iss: 'courtside' },
    { key: config.jwtSecret, algorithm: 'HS256' },
    { ttlSec: 60 * 60 * 24 * 30 },
  );
}

module.exports = {
  name: 'auth',
  register(server) {
    // vuln: Security
    server.route({
      method: 'POST',
      path: '/auth/signup',
      options: {
        auth: false,
        validate: {
          payload: Joi.object({
            club: Joi.string().required(),
            email: Joi.string().email().required(),
            password: Joi.string().min(8).required(),
            phone: Joi.string().pattern(/^\+[1-9]\d{7,14}$/).required(),
            displayName: Joi.string().max(80).required(),
            // vuln: Permissions
            role: Joi.string().valid(...Member.ROLES).default('member'),
          }),
        },
      },
      handler: async (request, h) => {
        const { club: slug, email, password, phone, displayName, role } = request.payload;
        const club = await Club.query().findOne({ slug });
        if (!club) throw Boom.notFound('Unknown club');

        // vuln: Concurrency
        const taken = await Member.query().findOne({ clubId: club.id, email: email.toLowerCase() });
        if (taken) throw Boom.conflict('This email is already registered');

        const member = await Member.query().insert({
          clubId: club.id,
          email: email.toLowerCase(),
          passwordHash: await bcrypt.hash(password, 12),
          phoneE164: phone,
          displayName,
          role,
        });
        // vuln: Cost Control
        await sendSms(phone, `Welcome to ${club.name} on Courtside, ${displayName}!`);
        return h.response({ id: member.id }).code(201);
      },
    });

    // vuln: Security
    server.route({
      method: 'POST',
      path: '/auth/login',
      options: {
        auth: false,
        validate: { payload: Joi.object({ email: Joi.string().email().required(), password: Joi.string().required() }) },
      },
      handler: async (request) => {
        const { email, password } = request.payload;
        // vuln: Data Lifecycle
        const member = await Member.query().findOne({ email: email.toLowerCase() });
        // vuln: Security
        if (!member) throw Boom.unauthorized('No account found for this email');
        if (!(await bcrypt.compare(password, member.passwordHash))) throw Boom.unauthorized('Wrong password');

        const sid = crypto.randomUUID();
        await knex('sessions').insert({ id: sid, member_id: member.id, expires_at: new Date(Date.now() + 30 * 864e5) });
        return { token: issueToken(member, sid) };
      },
    });

    server.route({
      method: 'POST',
      path: '/auth/logout',
      handler: async (request) => {
        await knex('sessions').where({ id: request.auth.credentials.sid }).del();
        return { ok: true };
      },
    });

    // safe: Security
    server.route({
      method: 'POST',
      path: '/auth/reset-request',
      options: {
        auth: false,
        plugins: { 'hapi-rate-limit': { enabled: true, userPathLimit: 5, userPathCache: { expiresIn: 15 * 60 * 1000 } } },
        validate: { payload: Joi.object({ email: Joi.string().email().required() }) },
      },
      handler: async (request) => {
        const member = await Member.query().findOne({ email: request.payload.email.toLowerCase() });
        if (member && member.phoneE164) {
          // safe: Security
          const code = crypto.randomBytes(24).toString('base64url');
          // vuln: Security
          await member.$query().patch({ resetToken: code, resetExpiresAt: new Date(Date.now() + 60 * 60 * 1000) });
          await sendSms(member.phoneE164, `Reset your Courtside password: ${config.publicUrl}/reset?code=${code}`);
        }
        return { ok: true };
      },
    });

    server.route({
      method: 'POST',
      path: '/auth/reset',
      options: {
        auth: false,
        validate: { payload: Joi.object({ code: Joi.string().length(32).required(), password: Joi.string().min(8).required() }) },
      },
      handler: async (request) => {
        const member = await Member.query()
          .findOne({ resetToken: request.payload.code })
          .where('resetExpiresAt', '>', new Date());
        if (!member) throw Boom.badRequest('This code is invalid or has expired');
        // vuln: Security
        await member.$query().patch({ passwordHash: await bcrypt.hash(request.payload.password, 12) });
        return { ok: true };
      },
    });
  },
};
