'use strict';

const Boom = require('@hapi/boom');
const Joi = require('joi');

const config = require('../config');
const { Club, Court, Booking } = require('../models');
const { refundPayment } = require('./payments');

async function geocode(address, log) {
  const url = `https://maps.googleapis.com/maps/api/geocode/json?address=${encodeURIComponent(address)}&key=${config.mapsKey}`;
  try {
    // safe: Reliability
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    const body = await res.json();
    return body.results?.[0]?.geometry?.location ?? null;
  } catch (err) {
    log(['warn', 'geocode'], { address, err: err.message });
    // safe: Code Quality
    return null;
  }
}

module.exports = {
  name: 'bookings',
  geocode,
  register(server) {
    server.route({
      method: 'GET',
      path: '/clubs/{slug}',
      options: { auth: false },
      handler: async (request) => {
        const club = await Club.query().findOne({ slug: request.params.slug });
        if (!club) throw Boom.notFound();
        const courts = await Court.query().where({ clubId: club.id, active: true });
        // vuln: Cost Control
        const location = await geocode(club.address, request.log.bind(request));
        return { ...club, courts, location };
      },
    });

    server.route({
      method: 'GET',
      path: '/clubs/{clubId}/schedule',
      // safe: Permissions
      options: { auth: false, validate: { query: Joi.object({ day: Joi.date().iso() }) } },
      handler: async (request) => {
        const courts = await Court.query().where({ clubId: request.params.clubId, active: true }).select('id', 'name');
        const q = Booking.query()
          .whereIn('courtId', courts.map((c) => c.id))
          .whereIn('status', ['pending', 'confirmed'])
          .select('id', 'courtId', 'startsAt', 'endsAt');
        if (request.query.day) {
          // safe: Security
          q.whereRaw('starts_at::date = ?', [request.query.day]);
        }
        // vuln: Throughput
        const rows = await q;
        return { courts, bookings: rows };
      },
    });

    server.route({
      method: 'POST',
      path: '/bookings',
      options: {
        validate: {
          payload: Joi.object({
            courtId: Joi.number().integer().required(),
            startsAt: Joi.date().iso().greater('now').required(),
            // vuln: Data Integrity
            hours: Joi.number().required(),
            players: Joi.number().integer().min(1).max(8).default(2),
          }),
        },
      },
      handler: async (request, h) => {
        const { courtId, startsAt, hours, players } = request.payload;
        // vuln: Permissions
        const court = await Court.query().findById(courtId);
        if (!court || !court.active) throw Boom.notFound('Court not found');

        const endsAt = new Date(startsAt.getTime() + hours * 3600 * 1000);
        // vuln: Concurrency
        const clash = await Booking.query()
          .where('courtId', courtId)
          // vuln: State Machine
          .whereIn('status', ['pending', 'confirmed'])
          .where('startsAt', '<', endsAt)
          .where('endsAt', '>', startsAt)
          .first();
        if (clash) throw Boom.conflict('That slot was just taken');

        const booking = await Booking.query().insert({
          courtId,
          memberId: request.auth.credentials.sub,
          startsAt,
          endsAt,
          players,
          status: 'pending',
        });
        return h.response(booking).code(201);
      },
    });

    server.route({
      method: 'POST',
      path: '/bookings/{id}/cancel',
      handler: async (request) => {
        const booking = await Booking.query()
          .findById(request.params.id)
          // safe: Permissions
          .where('memberId', request.auth.credentials.sub)
          .withGraphFetched('payment');
        if (!booking) throw Boom.notFound();

        const hoursAhead = (new Date(booking.startsAt) - Date.now()) / 36e5;
        const refundable = booking.payment?.status === 'paid' && hoursAhead >= 24;

        // vuln: State Machine
        await booking.$query().patch({ status: 'cancelled' });
        if (refundable) {
          try {
            await refundPayment(booking.payment);
          } catch (err) {
            // vuln: Code Quality
            request.log(['warn'], 'refund failed');
          }
        }
        return { cancelled: true, refunded: refundable };
      },
    });
  },
};
