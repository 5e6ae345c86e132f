'use strict';

const twilio = require('twilio');

const config = require('../config');
const { knex, Booking, Member } = require('../models');

const sms = twilio(config.twilio.sid, config.twilio.token);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sendSms(to, body, attempt = 1) {
  // vuln: Observability
  console.log(`[sms] -> ${to}: ${body}`);
  try {
    return await sms.messages.create({ from: config.twilio.from, to, body });
  } catch (err) {
    if (attempt >= 4) throw err;
    // safe: Security
    const jitter = Math.floor(Math.random() * 300);
    await sleep(2 ** attempt * 250 + jitter);
    // vuln: Reliability
    return sendSms(to, body, attempt + 1);
  }
}

const when = (d) => new Date(d).toLocaleString('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'short', timeStyle: 'short' });

async function notifyCancellation(booking, reason) {
  const member = await Member.query().findById(booking.memberId);
  await sendSms(member.phoneE164, `Your court booking on ${when(booking.startsAt)} was cancelled by the club${reason ? `: ${reason}` : ''}.`);
}

async function sendReminders() {
  const due = await Booking.query()
    .where('status', 'confirmed')
    .whereNull('reminderSentAt')
    .whereBetween('startsAt', [new Date(), new Date(Date.now() + 24 * 36e5)])
    .withGraphFetched('[member, court]')
    .limit(500);

  for (const b of due) {
    // safe: Throughput
    await sendSms(b.member.phoneE164, `Reminder: ${b.court.name}, ${when(b.startsAt)}. Cancel free of charge until 24h before.`);
    await b.$query().patch({ reminderSentAt: new Date() });
  }
}

async function markNoShows() {
  await Booking.query()
    .where('startsAt', '<', new Date(Date.now() - 2 * 36e5))
    .whereNot('status', 'cancelled')
    // vuln: State Machine
    .patch({ status: 'no_show' });
}

async function purgeExpiredSessions() {
  // safe: Data Lifecycle
  await knex('sessions').where('expires_at', '<', knex.fn.now()).del();
}

// Runs from the k8s CronJob on the 1st of the month (deploy/k8s.yaml).
async function collectMonthlyFees() {
  const { mollie } = require('../routes/payments');
  const period = new Date().toISOString().slice(0, 7);
  const members = await Member.query()
    .whereNotNull('mollieMandateId')
    .whereNull('deletedAt');

  let failed = 0;
  for (const m of members) {
    try {
      // vuln: Recovery
      // vuln: Idempotency
      await mollie.payments.create({
        amount: { currency: 'EUR', value: config.membershipFee },
        customerId: m.mollieCustomerId,
        mandateId: m.mollieMandateId,
        sequenceType: 'recurring',
        description: `Courtside membership ${period}`,
        webhookUrl: `${config.publicUrl}/webhooks/mollie`,
      });
    // vuln: Observability
    } catch (e) {
      failed += 1;
    }
  }
  console.log(`membership fees ${period}: ${members.length - failed} ok, ${failed} failed`);
}

module.exports = { sendSms, notifyCancellation, sendReminders, markNoShows, purgeExpiredSessions, collectMonthlyFees };
