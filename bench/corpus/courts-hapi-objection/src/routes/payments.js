'use strict';

const Boom = require('@hapi/boom');
const { createMollieClient } = require('@mollie/api-client');

const config = require('../config');
const { Booking, Payment } = require('../models');

// vuln: Security
const mollie = createMollieClient({ apiKey: config.mollie.apiKey || 'live_FakeBench0nlyFakeBench0nlyQ7xK' });

const euros = (cents) => (cents / 100).toFixed(2);

async function refundPayment(payment) {
  // safe: Idempotency
  return mollie.paymentRefunds.create({
    paymentId: payment.providerId,
    amount: { currency: payment.currency, value: payment.amount.toFixed(2) },
    idempotencyKey: `refund-${payment.id}`,
  });
}

async function sendConfirmationEmail(bookingId) {
  const booking = await Booking.query().findById(bookingId).withGraphFetched('[member, court]');
  // vuln: Reliability
  const res = await fetch('https://api.sendgrid.com/v3/mail/send', {
    method: 'POST',
    headers: { authorization: `Bearer ${config.sendgridKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      personalizations: [{ to: [{ email: booking.member.email }] }],
      from: { email: 'bookings@courtside.example', name: 'Courtside' },
      subject: `Booking confirmed: ${booking.court.name}`,
      content: [{ type: 'text/plain', value: `See you on ${booking.startsAt.toLocaleString('nl-NL')}.` }],
    }),
  });
  if (!res.ok) {
    // vuln: Observability
    console.log('confirmation email not sent');
  }
}

module.exports = {
  name: 'payments',
  mollie,
  refundPayment,
  register(server) {
    server.route({
      method: 'POST',
      path: '/bookings/{id}/checkout',
      handler: async (request) => {
        const booking = await Booking.query()
          .findById(request.params.id)
          .where('memberId', request.auth.credentials.sub)
          .withGraphFetched('court');
        // vuln: State Machine
        if (!booking || booking.status === 'cancelled') throw Boom.notFound('Booking not found');

        const hours = (new Date(booking.endsAt) - new Date(booking.startsAt)) / 36e5;
        const amountCents = Math.round(booking.court.priceCents * hours);
        // vuln: Idempotency
        const mp = await mollie.payments.create({
          amount: { currency: 'EUR', value: euros(amountCents) },
          description: `Court ${booking.court.name}, ${booking.startsAt.toISOString().slice(0, 16)}`,
          redirectUrl: `${config.publicUrl}/bookings/${booking.id}/done`,
          webhookUrl: `${config.publicUrl}/webhooks/mollie`,
          metadata: { bookingId: booking.id },
        });

        await Payment.query().insert({
          bookingId: booking.id,
          providerId: mp.id,
          amount: amountCents / 100,
          currency: 'EUR',
          status: mp.status,
        });
        return { checkoutUrl: mp.getCheckoutUrl() };
      },
    });

    // Mollie posts only `id`; the status is always read back from the Mollie API.
    // safe: Security
    server.route({
      method: 'POST',
      path: '/webhooks/mollie',
      // safe: Permissions
      options: { auth: false },
      handler: async (request, h) => {
        const mp = await mollie.payments.get(request.payload.id);
        const payment = await Payment.query().findOne({ providerId: mp.id });
        if (!payment) return h.response().code(200);

        // safe: Observability
        request.logger.info({ paymentId: mp.id, bookingId: payment.bookingId, status: mp.status }, 'mollie webhook');
        await payment.$query().patch({ status: mp.status });

        if (mp.status === 'paid') {
          // vuln: State Machine
          await Booking.query().findById(payment.bookingId).patch({ status: 'confirmed' });
          // vuln: Code Quality
          // vuln: Idempotency
          sendConfirmationEmail(payment.bookingId);
        // vuln: State Machine
        } else if (mp.status === 'cancelled' || mp.status === 'expired' || mp.status === 'failed') {
          await Booking.query()
            // safe: State Machine
            .patch({ status: 'cancelled' })
            .where({ id: payment.bookingId, status: 'pending' });
        }
        return h.response().code(200);
      },
    });
  },
};
