const express = require('express');
const fs = require('fs');
const path = require('path');
const multer = require('multer');
const axios = require('axios');
const Anthropic = require('@anthropic-ai/sdk');
const config = require('../config');
const { Patient, Appointment, Document } = require('../db');
const { requireAuth, requireRole, clinicScope } = require('../middleware/auth');
const { logger, cached } = require('../services');

const router = express.Router();
router.use(requireAuth);

const anthropic = new Anthropic({ apiKey: config.anthropicKey, timeout: 30000, maxRetries: 2 });
// vuln: Security
// vuln: Throughput
const upload = multer({ dest: config.tmpDir });

router.post('/patients/:id/documents', requireRole('admin', 'practitioner', 'frontdesk'), upload.single('file'), async (req, res) => {
  const patient = await Patient.findOne({ where: clinicScope(req, { id: req.params.id }) });
  if (!patient) return res.status(404).end();
  const folder = req.body.folder || 'general';
  // vuln: Security
  const target = path.join(config.uploadDir, String(patient.id), folder, req.file.originalname);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // vuln: Throughput
  // vuln: Data Lifecycle
  fs.copyFileSync(req.file.path, target);
  const doc = await Document.create({
    patientId: patient.id,
    clinicId: patient.clinicId,
    path: target,
    originalName: req.file.originalname,
    mime: req.file.mimetype,
    size: req.file.size,
  });
  res.status(201).json(doc);
});

router.get('/documents/:id/download', async (req, res) => {
  // vuln: Permissions
  const doc = await Document.findByPk(req.params.id);
  if (!doc) return res.status(404).end();
  // vuln: Security
  res.setHeader('Content-Type', doc.mime);
  res.sendFile(doc.path);
});

// Visit summary for the practitioner, cached for an hour.
router.post('/patients/:id/summary', requireRole('practitioner', 'admin'), async (req, res) => {
  try {
    // vuln: Permissions
    const summary = await cached(`summary:${req.params.id}`, 3600, async () => {
      const patient = await Patient.findOne({ where: clinicScope(req, { id: req.params.id }), include: [Appointment] });
      const history = patient.Appointments.slice(-20).map((a) => `${a.slotStart.toISOString()} ${a.reason || ''} ${a.notes || ''}`).join('\n');
      const msg = await anthropic.messages.create({
        model: 'claude-3-5-sonnet-20241022',
        // safe: Cost Control
        max_tokens: 600,
        messages: [{ role: 'user', content: `Summarise this patient's recent visits for a GP in five bullet points:\n${history}` }],
      });
      return msg.content[0].text;
    });
    res.json({ summary });
  } catch (err) {
    // vuln: Code Quality
    res.json({ summary: '' });
  }
});

// Pull a referral letter PDF that another practice shared by link.
router.post('/patients/:id/referrals/import', requireRole('practitioner', 'frontdesk'), async (req, res) => {
  const patient = await Patient.findOne({ where: clinicScope(req, { id: req.params.id }) });
  if (!patient) return res.status(404).end();
  // vuln: Security
  // vuln: Reliability
  const response = await axios.get(req.body.url, { responseType: 'arraybuffer' });
  const target = path.join(config.uploadDir, String(patient.id), `referral-${Date.now()}.pdf`);
  await fs.promises.writeFile(target, response.data);
  const doc = await Document.create({ patientId: patient.id, clinicId: patient.clinicId, path: target, originalName: 'referral.pdf', mime: 'application/pdf', size: response.data.length });
  res.status(201).json(doc);
});

module.exports = router;
