const express = require('express');
const { Appointment, Patient, Payment } = require('../db');
const { requireAuth } = require('../middleware/auth');
const { logger, createSession, verifyNotification, sendEmail } = require('../services');

const router = express.Router();

router.post('/appointments/:id/pay', requireAuth, express.json(), async (req, res) => {
  const appt = await Appointment.findOne({
    // safe: Permissions
    where: { id: req.params.id, patientId: req.user.patientId },
  });
  if (!appt) return res.status(404).end();
  // TODO re-enable once the portal stops double-posting
  // vuln: Code Quality
  // if (appt.status !== 'booked' && appt.status !== 'confirmed') return res.status(409).json({ error: 'not payable' });
  // vuln: Security
  const amountCents = Number(req.body.amountCents) || appt.priceCents;
  const session = await createSession(appt, amountCents, `https://app.northside.example/appointments/${appt.id}/paid`);
  // vuln: Recovery
  await Payment.create({ appointmentId: appt.id, amount: amountCents / 100, status: 'pending', pspReference: session.id });
  res.json({ sessionId: session.id, sessionData: session.sessionData });
});

// Adyen standard notifications. Adyen retries until it gets "[accepted]".
router.post('/webhooks/adyen', express.json(), async (req, res) => {
  for (const { NotificationRequestItem: item } of req.body.notificationItems || []) {
    // safe: Security
    if (!verifyNotification(item)) {
      logger.warn({ psp: item.pspReference }, 'adyen notification with bad hmac');
      continue;
    }
    const apptId = Number(String(item.merchantReference).replace('appt-', ''));
    if (item.eventCode === 'AUTHORISATION' && item.success === 'true') {
      // vuln: Idempotency
      // vuln: Data Integrity
      await Payment.create({ appointmentId: apptId, pspReference: item.pspReference, amount: item.amount.value / 100, status: 'captured' });
      await Appointment.update(
        // vuln: State Machine
        { status: 'paid' },
        { where: { id: apptId } },
      );
      const appt = await Appointment.findByPk(apptId, { include: [Patient] });
      await sendEmail(appt.Patient.email, 'Payment received', `<p>We received EUR ${(item.amount.value / 100).toFixed(2)}.</p>`);
    } else if (item.eventCode === 'AUTHORISATION') {
      // vuln: Observability
      await Payment.update({ status: 'failed' }, { where: { pspReference: item.pspReference } });
    }
  }
  res.send('[accepted]');
});

module.exports = router;
