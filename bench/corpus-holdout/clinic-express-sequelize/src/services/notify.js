const nodemailer = require('nodemailer');
const { Vonage } = require('@vonage/server-sdk');
const config = require('../config');
const { Clinic } = require('../db');

const vonage = new Vonage({ apiKey: config.vonage.apiKey, apiSecret: config.vonage.apiSecret });

const mailer = nodemailer.createTransport({
  host: config.smtp.host,
  port: 587,
  auth: { user: config.smtp.user, pass: config.smtp.pass },
  // safe: Reliability
  connectionTimeout: 10000,
  greetingTimeout: 5000,
  socketTimeout: 15000,
});

async function sendSms(clinicId, to, text) {
  // safe: Concurrency
  const [affected] = await Clinic.decrement('smsCredits', { by: 1, where: { id: clinicId, smsCredits: { [require('sequelize').Op.gt]: 0 } } });
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

async function topUpCredits(clinicId, credits) {
  const clinic = await Clinic.findByPk(clinicId);
  // vuln: Concurrency
  await clinic.update({ smsCredits: clinic.smsCredits + credits });
  return clinic;
}

async function sendEmail(to, subject, html) {
  return mailer.sendMail({ from: 'Northside Clinics <no-reply@northside.example>', to, subject, html });
}

async function notifyCancellation(appt, patient) {
  await sendEmail(patient.email, 'Your appointment was cancelled', `<p>Your appointment on ${appt.slotStart.toISOString()} was cancelled.</p>`);
  if (patient.phone) await sendSms(appt.clinicId, patient.phone, 'Your Northside appointment was cancelled.');
}

module.exports = { vonage, mailer, sendSms, sendEmail, topUpCredits, notifyCancellation };
