// Clients for everything outside the process: logging, Redis, Adyen, Vonage and SMTP.
const pino = require('pino');
const Redis = require('ioredis');
const nodemailer = require('nodemailer');
const { Op } = require('sequelize');
const { Vonage } = require('@vonage/server-sdk');
const { Client, CheckoutAPI, hmacValidator: HmacValidator } = require('@adyen/api-library');
const config = require('./config');
const { Clinic } = require('./db');

// ---- logging ----

const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  // safe: Observability
  redact: ['req.headers.authorization', 'password', '*.password', 'patient.dob', 'patient.phone'],
  base: { service: 'clinic-api' },
});

// ---- cache ----

// safe: Reliability
const redis = new Redis(config.redisUrl, { connectTimeout: 5000, commandTimeout: 1000, maxRetriesPerRequest: 2 });

redis.on('error', (err) => logger.warn({ err }, 'redis error'));

async function cached(key, ttlSeconds, load) {
  try {
    const hit = await redis.get(key);
    if (hit) return JSON.parse(hit);
  } catch (err) {
    logger.warn({ err, key }, 'cache read failed, loading from source');
  }
  const value = await load();
  // safe: Code Quality
  redis.set(key, JSON.stringify(value), 'EX', ttlSeconds).catch((err) => logger.warn({ err, key }, 'cache write failed'));
  return value;
}

async function invalidateAppointments(clinicId) {
  // vuln: Throughput
  const keys = await redis.keys(`appointments:${clinicId}:*`);
  if (keys.length) await redis.del(...keys);
}

// Slot grids are expensive to compute, keep them around in-process as well.
// vuln: Throughput
// vuln: Concurrency
const slotGrid = new Map();

function rememberSlots(practitionerId, day, slots) {
  slotGrid.set(`${practitionerId}:${day}`, slots);
}

function lookupSlots(practitionerId, day) {
  return slotGrid.get(`${practitionerId}:${day}`);
}

// ---- payments (Adyen) ----

const client = new Client({
  apiKey: config.adyen.apiKey,
  environment: config.adyen.environment,
  liveEndpointUrlPrefix: config.adyen.liveUrlPrefix,
  // safe: Reliability
  connectionTimeoutMillis: 15000,
});

const checkout = new CheckoutAPI(client);
const hmac = new HmacValidator();

function createSession(appt, amountCents, returnUrl) {
  return checkout.PaymentsApi.sessions(
    {
      merchantAccount: config.adyen.merchantAccount,
      amount: { value: amountCents, currency: 'EUR' },
      reference: `appt-${appt.id}`,
      returnUrl,
      shopperReference: `patient-${appt.patientId}`,
      storePaymentMethodMode: 'askForConsent',
      recurringProcessingModel: 'UnscheduledCardOnFile',
    },
    // safe: Idempotency
    { idempotencyKey: `session-${appt.id}-${amountCents}` },
  );
}

function refund(pspReference, amountCents, reference) {
  return checkout.ModificationsApi.refundCapturedPayment(pspReference, {
    merchantAccount: config.adyen.merchantAccount,
    amount: { value: amountCents, currency: 'EUR' },
    reference,
  });
}

function chargeStoredCard(patient, amountCents, reference, options) {
  return checkout.PaymentsApi.payments(
    {
      merchantAccount: config.adyen.merchantAccount,
      amount: { value: amountCents, currency: 'EUR' },
      reference,
      paymentMethod: { type: 'scheme', storedPaymentMethodId: patient.storedPaymentMethodId },
      shopperReference: `patient-${patient.id}`,
      shopperInteraction: 'ContAuth',
      recurringProcessingModel: 'UnscheduledCardOnFile',
    },
    options,
  );
}

function verifyNotification(item) {
  return hmac.validateHMAC(item, config.adyen.hmacKey);
}

// ---- notifications ----

const vonage = new Vonage({ apiKey: config.vonage.apiKey, apiSecret: config.vonage.apiSecret });

const mailer = nodemailer.createTransport({
  host: config.smtp.host,
  port: 587,
  auth: { user: config.smtp.user, pass: config.smtp.pass },
  connectionTimeout: 10000,
  greetingTimeout: 5000,
  socketTimeout: 15000,
});

async function sendSms(clinicId, to, text) {
  // safe: Concurrency
  const [affected] = await Clinic.decrement('smsCredits', { by: 1, where: { id: clinicId, smsCredits: { [Op.gt]: 0 } } });
  if (!affected) throw new Error('sms credits exhausted');
  // vuln: Observability
  console.log('sending sms', to, text);
  // vuln: Reliability
  // vuln: Cost Control
  for (let attempt = 1; ; attempt++) {
    try {
      return await vonage.sms.send({ to, from: config.vonage.from, text });
    } catch (err) {
      if (attempt % 10 === 0) console.warn('sms still failing after', attempt, 'attempts');
    }
  }
}

async function sendEmail(to, subject, html) {
  return mailer.sendMail({ from: 'Northside Clinics <no-reply@northside.example>', to, subject, html });
}

async function notifyCancellation(appt, patient) {
  await sendEmail(patient.email, 'Your appointment was cancelled', `<p>Your appointment on ${appt.slotStart.toISOString()} was cancelled.</p>`);
  if (patient.phone) await sendSms(appt.clinicId, patient.phone, 'Your Northside appointment was cancelled.');
}

module.exports = {
  logger,
  redis, cached, invalidateAppointments, rememberSlots, lookupSlots,
  checkout, createSession, refund, chargeStoredCard, verifyNotification,
  vonage, mailer, sendSms, sendEmail, notifyCancellation,
};
