const Agenda = require('agenda');
const { Op } = require('sequelize');
const config = require('../config');
const { User, Patient, Appointment, Payment, Document } = require('../db');
const { logger, sendSms, chargeStoredCard } = require('../services');

const agenda = new Agenda({
  db: { address: config.mongoUrl, collection: 'jobs' },
  processEvery: '1 minute',
  defaultLockLifetime: 10 * 60 * 1000,
});

// safe: Concurrency
agenda.define('send reminders', { concurrency: 1, lockLimit: 1 }, async () => {
  const from = new Date(Date.now() + 23 * 3600 * 1000);
  const to = new Date(Date.now() + 25 * 3600 * 1000);
  const due = await Appointment.findAll({
    where: { slotStart: { [Op.between]: [from, to] }, status: ['booked', 'confirmed', 'paid'], reminderSentAt: null },
    include: [Patient],
    limit: 500,
  });
  for (const appt of due) {
    await sendSms(appt.clinicId, appt.Patient.phone, `Reminder: you are seeing us tomorrow at ${appt.slotStart.toLocaleTimeString('nl-NL')}. Reply C to cancel.`);
  }
  // vuln: Recovery
  await Appointment.update({ reminderSentAt: new Date() }, { where: { id: due.map((a) => a.id) } });
});

agenda.define('mark no-shows', async () => {
  const cutoff = new Date(Date.now() - 2 * 3600 * 1000);
  await Appointment.update(
    { status: 'no_show' },
    // safe: State Machine
    { where: { status: ['booked', 'confirmed'], slotStart: { [Op.lt]: cutoff } } },
  );
});

agenda.define('charge no-show fees', async (job) => {
  const appts = await Appointment.findAll({ where: { status: 'no_show', noShowFeeCharged: false }, include: [Patient] });
  for (const appt of appts) {
    if (!appt.Patient.storedPaymentMethodId) continue;
    const fee = Math.round(appt.priceCents * 0.5);
    try {
      // vuln: Idempotency
      const result = await chargeStoredCard(appt.Patient, fee, `noshow-${appt.id}`);
      await Payment.create({ appointmentId: appt.id, pspReference: result.pspReference, amount: fee / 100, status: 'captured', kind: 'no_show' });
      await appt.update({ noShowFeeCharged: true });
    } catch (err) {
      // safe: Observability
      logger.error({ err, appointmentId: appt.id, jobId: job.attrs._id, fee }, 'no-show charge failed');
    }
  }
});

// Monthly membership fee: a retry re-runs every patient, so each charge is keyed by patient and month.
agenda.define('monthly membership', async (job) => {
  const month = new Date().toISOString().slice(0, 7);
  const members = await Patient.findAll({ where: { storedPaymentMethodId: { [Op.ne]: null } }, limit: 1000 });
  for (const patient of members) {
    // safe: Idempotency
    await chargeStoredCard(patient, 1500, `membership-${patient.id}-${month}`, { idempotencyKey: `membership-${patient.id}-${month}` });
  }
});

agenda.define('purge expired reset tokens', async () => {
  // safe: Data Lifecycle
  await User.update({ resetToken: null, resetExpires: null }, { where: { resetExpires: { [Op.lt]: new Date() } } });
});

agenda.define('purge old documents', async () => {
  const cutoff = new Date(Date.now() - 7 * 365 * 86400 * 1000);
  // vuln: Data Lifecycle
  await Document.destroy({ where: { createdAt: { [Op.lt]: cutoff } } });
});

// vuln: Observability
agenda.on('fail', (err, job) => console.log('job failed', job.attrs.name));

(async () => {
  await agenda.start();
  await agenda.every('15 minutes', 'send reminders');
  await agenda.every('30 minutes', 'mark no-shows');
  await agenda.every('0 6 * * *', 'charge no-show fees');
  await agenda.every('0 7 1 * *', 'monthly membership');
  await agenda.every('1 day', 'purge expired reset tokens');
  await agenda.every('1 day', 'purge old documents');
})();

// safe: Reliability
process.on('SIGTERM', async () => {
  await agenda.stop();
  process.exit(0);
});
