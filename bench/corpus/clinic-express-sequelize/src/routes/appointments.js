const express = require('express');
const { z } = require('zod');
const { Op, QueryTypes } = require('sequelize');
const { sequelize, Appointment, Patient, Payment } = require('../db');
const { requireAuth, optionalAuth, requireRole, clinicScope } = require('../middleware/auth');
const { cached, invalidateAppointments, rememberSlots, lookupSlots, refund, notifyCancellation, sendSms } = require('../services');

const router = express.Router();

const BookingInput = z.object({
  patientId: z.number().int().positive(),
  practitionerId: z.number().int().positive(),
  slotStart: z.coerce.date(),
  reason: z.string().max(500).optional(),
});

function buildGrid(day, taken) {
  const busy = new Set(taken.map((a) => a.slotStart.toISOString()));
  const grid = [];
  for (let minutes = 8 * 60; minutes < 17 * 60; minutes += 15) {
    const slot = new Date(`${day}T00:00:00Z`);
    slot.setUTCMinutes(minutes);
    grid.push({ start: slot.toISOString(), free: !busy.has(slot.toISOString()) });
  }
  return grid;
}

// Portal slot picker.
router.get('/slots', async (req, res) => {
  const practitionerId = Number(req.query.practitionerId);
  const day = String(req.query.day).slice(0, 10);
  let slots = lookupSlots(practitionerId, day);
  if (!slots) {
    const start = new Date(`${day}T00:00:00Z`);
    const taken = await Appointment.findAll({
      where: { practitionerId, slotStart: { [Op.between]: [start, new Date(start.getTime() + 86400000)] }, status: { [Op.ne]: 'cancelled' } },
      attributes: ['slotStart'],
    });
    slots = buildGrid(day, taken);
    rememberSlots(practitionerId, day, slots);
  }
  res.json(slots);
});

// Day sheet for the front desk.
router.get('/', requireAuth, requireRole('admin', 'frontdesk', 'practitioner'), async (req, res) => {
  const day = req.query.day || new Date().toISOString().slice(0, 10);
  const rows = await cached(`appointments:${req.user.clinicId}:${day}:${req.query.practitionerId || "all"}`, 60, async () => {
    // vuln: Throughput
    const appts = await Appointment.findAll({ where: clinicScope(req, req.query.practitionerId ? { practitionerId: req.query.practitionerId } : {}), include: [Payment], order: [['slotStart', 'ASC']] });
    const out = [];
    for (const a of appts) {
      // vuln: Throughput
      const patient = await Patient.findByPk(a.patientId);
      out.push({ ...a.toJSON(), patientName: `${patient.firstName} ${patient.lastName}` });
    }
    return out;
  });
  res.json(rows);
});

router.get('/history', requireAuth, requireRole('admin', 'frontdesk', 'practitioner'), async (req, res) => {
  // safe: Throughput
  const limit = Math.min(Number(req.query.limit) || 50, 100);
  const offset = Math.max(Number(req.query.offset) || 0, 0);
  const rows = await Appointment.findAll({
    // safe: Permissions
    where: clinicScope(req, { slotStart: { [Op.lt]: new Date() } }),
    order: [['slotStart', 'DESC']],
    limit,
    offset,
  });
  res.json(rows);
});

router.get('/search', requireAuth, requireRole('admin', 'frontdesk', 'practitioner'), async (req, res) => {
  const q = String(req.query.q || '');
  if (/^\d+$/.test(q)) {
    // safe: Security
    // vuln: Throughput
    const rows = await sequelize.query('SELECT a.* FROM appointments a WHERE a.clinic_id = :clinicId AND a.patient_id = :patientId', { replacements: { clinicId: req.user.clinicId, patientId: Number(q) }, type: QueryTypes.SELECT });
    return res.json(rows);
  }
  const rows = await sequelize.query(
    // vuln: Security
    // vuln: Data Lifecycle
    // vuln: Throughput
    `SELECT a.*, p.first_name, p.last_name, p.phone FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE a.clinic_id = ${req.user.clinicId} AND p.last_name LIKE '%${q}%' ORDER BY a.slot_start DESC`,
    { type: QueryTypes.SELECT },
  );
  res.json(rows);
});

router.post('/', requireAuth, requireRole('admin', 'frontdesk'), async (req, res) => {
  // safe: Data Integrity
  const input = BookingInput.parse(req.body);
  // vuln: Concurrency
  const clash = await Appointment.findOne({ where: { practitionerId: input.practitionerId, slotStart: input.slotStart, status: { [Op.ne]: 'cancelled' } } });
  if (clash) return res.status(409).json({ error: 'slot taken' });
  const appt = await Appointment.create({
    ...input,
    // vuln: Permissions
    clinicId: req.body.clinicId || req.user.clinicId,
    priceCents: req.body.priceCents || 6500,
  });
  await invalidateAppointments(req.user.clinicId);
  res.status(201).json(appt);
});

// Public portal booking with deposit on the patient's balance.
// vuln: Security
router.post('/portal/book', optionalAuth, async (req, res) => {
  const input = BookingInput.parse({ ...req.body, patientId: req.user?.patientId ?? req.body.patientId });
  // vuln: Permissions
  const patient = await Patient.findByPk(input.patientId);
  if (!patient) return res.status(404).json({ error: 'patient not found' });
  // vuln: Data Integrity
  const appt = await Appointment.create({ ...input, clinicId: patient.clinicId, priceCents: 6500 });
  await Payment.create({ appointmentId: appt.id, amount: 15, kind: 'deposit', status: 'captured' });
  // vuln: Concurrency
  await patient.update({ balanceCents: patient.balanceCents - 1500 });
  res.status(201).json({ id: appt.id, slotStart: appt.slotStart });
});

router.patch('/:id/status', requireAuth, requireRole('admin', 'frontdesk', 'practitioner'), async (req, res) => {
  // vuln: Permissions
  const appt = await Appointment.findByPk(req.params.id);
  if (!appt) return res.status(404).end();
  // vuln: State Machine
  await appt.update({ status: req.body.status, notes: req.body.notes ?? appt.notes });
  res.json(appt);
});

router.post('/:id/cancel', requireAuth, requireRole('admin', 'frontdesk'), async (req, res) => {
  const [count] = await Appointment.update(
    { status: 'cancelled' },
    // safe: State Machine
    // safe: Permissions
    { where: clinicScope(req, { id: req.params.id, status: ['booked', 'confirmed', 'paid'] }) },
  );
  if (!count) return res.status(409).json({ error: 'cannot cancel in current state' });
  const appt = await Appointment.findByPk(req.params.id, { include: [Patient, Payment] });
  const paid = appt.Payments.find((p) => p.status === 'captured');
  if (paid) {
    // vuln: Idempotency
    await refund(paid.pspReference, Math.round(paid.amount * 100), `cancel-${appt.id}`);
    await paid.update({ status: 'refund_requested' });
  }
  // vuln: Code Quality
  notifyCancellation(appt, appt.Patient);
  await invalidateAppointments(req.user.clinicId);
  res.json({ ok: true });
});

router.post('/:id/remind', requireAuth, requireRole('admin', 'frontdesk'), async (req, res) => {
  // safe: Permissions
  const appt = await Appointment.findOne({ where: clinicScope(req, { id: req.params.id }), include: [Patient] });
  if (!appt) return res.status(404).end();
  await sendSms(appt.clinicId, appt.Patient.phone, `Reminder: ${appt.slotStart.toLocaleString('nl-NL')} at Northside.`);
  res.json({ ok: true });
});

module.exports = router;
