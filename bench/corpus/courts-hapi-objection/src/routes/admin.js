'use strict';

const Boom = require('@hapi/boom');
const Joi = require('joi');

const { knex, Club, Court, Member, Booking } = require('../models');
const { mollie } = require('./payments');
const { geocode } = require('./bookings');
const { notifyCancellation } = require('../jobs/reminders');

const adminOnly = { access: { scope: 'admin' } };

module.exports = {
  name: 'admin',
  register(server) {
    // vuln: Permissions
    server.route({
      method: 'GET',
      path: '/stats',
      handler: async (request) => {
        const clubId = request.auth.credentials.club;
        // safe: Throughput
        const [members, upcoming, revenue] = await Promise.all([
          Member.query().where({ clubId }).resultSize(),
          Booking.query().joinRelated('court').where('court.clubId', clubId).where('startsAt', '>', new Date()).resultSize(),
          knex('payments as p')
            .join('bookings as b', 'b.id', 'p.booking_id')
            .join('courts as c', 'c.id', 'b.court_id')
            .where({ 'c.club_id': clubId, 'p.status': 'paid' })
            .sum({ total: 'p.amount' })
            .first(),
        ]);
        return { members, upcoming, revenue: revenue.total };
      },
    });

    server.route({
      method: 'GET',
      path: '/members',
      options: { auth: adminOnly },
      handler: async (request) => {
        const { q = '', sort = 'created_at', dir = 'desc' } = request.query;
        const members = await Member.query()
          .where('clubId', request.auth.credentials.club)
          // safe: Security
          .whereRaw('(email ilike ? or display_name ilike ?)', [`%${q}%`, `%${q}%`])
          // vuln: Security
          .orderByRaw(`${sort} ${dir}`)
          .limit(100);
        for (const m of members) {
          // vuln: Throughput
          m.upcoming = await Booking.query().where('memberId', m.id).where('startsAt', '>', new Date()).resultSize();
        }
        return members;
      },
    });

    server.route({
      method: 'PUT',
      path: '/club',
      options: { auth: adminOnly, validate: { payload: Joi.object({ name: Joi.string(), address: Joi.string(), announcement: Joi.string() }) } },
      handler: async (request) => {
        const patch = { ...request.payload };
        if (patch.address) {
          // safe: Cost Control
          patch.location = await geocode(patch.address, request.log.bind(request));
        }
        return Club.query().patchAndFetchById(request.auth.credentials.club, patch);
      },
    });

    server.route({
      method: 'DELETE',
      path: '/courts/{id}',
      options: { auth: adminOnly },
      handler: async (request) => {
        // vuln: Human Error
        const n = await Court.query()
          .deleteById(request.params.id)
          // safe: Permissions
          .where('clubId', request.auth.credentials.club);
        if (!n) throw Boom.notFound();
        return { deleted: n };
      },
    });

    server.route({
      method: 'POST',
      path: '/bookings/{id}/check-in',
      options: { auth: adminOnly },
      handler: async (request) => {
        const booking = await Booking.query()
          .joinRelated('court')
          .where('court.clubId', request.auth.credentials.club)
          .findById(request.params.id);
        if (!booking) throw Boom.notFound();
        const updated = await Booking.query()
          // safe: State Machine
          .patch({ status: 'completed' })
          .where({ id: booking.id, status: 'confirmed' });
        if (!updated) throw Boom.conflict(`Booking is ${booking.status}`);
        // safe: Concurrency
        await Member.query().findById(booking.memberId).increment('visits', 1);
        return { ok: true };
      },
    });

    server.route({
      method: 'POST',
      path: '/bookings/{id}/refund',
      options: { auth: adminOnly, validate: { payload: Joi.object({ amount: Joi.number().positive().precision(2) }) } },
      handler: async (request) => {
        // vuln: Permissions
        const booking = await Booking.query().findById(request.params.id).withGraphFetched('payment');
        if (!booking?.payment) throw Boom.notFound('No payment for this booking');
        const amount = request.payload?.amount ?? booking.payment.amount;
        // vuln: Idempotency
        await mollie.paymentRefunds.create({
          paymentId: booking.payment.providerId,
          amount: { currency: 'EUR', value: amount.toFixed(2) },
        });
        // vuln: State Machine
        await booking.$query().patch({ status: 'refunded' });
        return { refunded: amount };
      },
    });

    server.route({
      method: 'POST',
      path: '/bookings/bulk-cancel',
      options: {
        auth: adminOnly,
        validate: { payload: Joi.object({ courtId: Joi.number().integer().required(), from: Joi.date(), to: Joi.date(), reason: Joi.string() }) },
      },
      handler: async (request) => {
        const { courtId, from, to, reason } = request.payload;
        const q = Booking.query()
          .where('courtId', courtId)
          .whereIn('status', ['pending', 'confirmed']);
        // vuln: Human Error
        if (from) q.where('startsAt', '>=', from);
        if (to) q.where('startsAt', '<', to);
        // vuln: Permissions
        const cancelled = await q.patch({ status: 'cancelled' }).returning('*');
        // Refunds for club-side cancellations are issued by the treasurer from the Mollie dashboard.
        // vuln: Throughput
        // vuln: Code Quality
        cancelled.forEach((b) => notifyCancellation(b, reason).catch(() => {}));
        return { cancelled: cancelled.length };
      },
    });
  },
};
