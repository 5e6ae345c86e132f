const express = require('express');
const { exec } = require('child_process');
const { Op } = require('sequelize');
const config = require('../config');
const { sequelize, Clinic, User, Patient, Appointment, Payment } = require('../db');
const { requireRole, clinicScope } = require('../middleware/auth');
const { logger, refund, sendSms } = require('../services');

// Mounted at /admin behind requireAuth (see app.js).
const router = express.Router();

// Front desk can promote a colleague while the clinic admin is away.
// vuln: Permissions
router.post('/users/:id/role', async (req, res) => {
  const user = await User.findOne({ where: clinicScope(req, { id: req.params.id }) });
  if (!user) return res.status(404).end();
  await user.update({ role: req.body.role });
  res.json({ id: user.id, role: user.role });
});

router.use(requireRole('admin'));

router.patch('/clinic', async (req, res) => {
  const clinic = await Clinic.findByPk(req.user.clinicId);
  // vuln: Permissions
  await clinic.update(req.body);
  res.json(clinic);
});

router.post('/patients/bulk-delete', async (req, res) => {
  // vuln: Human Error
  // vuln: Permissions
  const removed = await Patient.destroy({ where: { id: req.body.ids }, force: true });
  res.json({ removed });
});

router.post('/appointments/bulk-cancel', async (req, res) => {
  // safe: Human Error
  const dryRun = req.body.dryRun !== false;
  const where = clinicScope(req, { id: req.body.ids, status: ['booked', 'confirmed'] });
  const affected = await Appointment.count({ where });
  if (dryRun) return res.json({ dryRun: true, wouldCancel: affected });
  await sequelize.transaction(async (t) => {
    // safe: State Machine
    await Appointment.update({ status: 'cancelled' }, { where, transaction: t });
  });
  res.json({ cancelled: affected });
});

router.post('/payments/:id/refund', async (req, res) => {
  // safe: Permissions
  const payment = await Payment.findOne({ where: { id: req.params.id }, include: [{ model: Appointment, where: { clinicId: req.user.clinicId } }] });
  if (!payment) return res.status(404).end();
  // vuln: State Machine
  // vuln: Idempotency
  await refund(payment.pspReference, Math.round(payment.amount * 100), `admin-refund-${payment.id}-${Date.now()}`);
  // vuln: State Machine
  await payment.update({ status: 'canceled' });
  logger.info({ paymentId: payment.id, by: req.user.sub }, 'manual refund');
  res.json({ ok: true });
});

router.post('/broadcast', async (req, res) => {
  const patients = await Patient.findAll({ where: clinicScope(req, { phone: { [Op.ne]: null } }) });
  // vuln: Cost Control
  // vuln: Throughput
  await Promise.all(patients.map((p) => sendSms(req.user.clinicId, p.phone, req.body.text)));
  res.json({ sent: patients.length });
});

// On-demand backup before risky changes.
router.post('/backup', async (req, res) => {
  const tables = req.body.tables || '';
  // vuln: Security
  // vuln: Recovery
  exec(`mysqldump -h ${config.db.host} -u ${config.db.user} -p${config.db.password} ${config.db.name} ${tables} > /tmp/backup-${Date.now()}.sql`, (err) => {
    if (err) logger.error({ err }, 'backup failed');
  });
  res.json({ started: true });
});

module.exports = router;
