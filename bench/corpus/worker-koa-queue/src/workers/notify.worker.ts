import sgMail from '@sendgrid/mail';
import { Worker } from 'bullmq';
import twilio from 'twilio';
import { pool } from '../lib/db.js';
import { logger } from '../lib/logger.js';
import { connection } from '../queue.js';

sgMail.setApiKey(process.env.SENDGRID_API_KEY ?? '');
const sms = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
const MAX_SMS_PER_JOB = 25;

async function sendQueuedEmails(): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // safe: Concurrency
    const { rows } = await client.query("SELECT id, to_address, subject, html FROM emails WHERE status = 'queued' ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED");
    for (const email of rows) {
      // vuln: Observability
      logger.info({ to: email.to_address, html: email.html }, 'sending email');
      await sgMail.send({ to: email.to_address, from: 'reports@enrich.example', subject: email.subject, html: email.html });
      await client.query("UPDATE emails SET status = 'sent', sent_at = now() WHERE id = $1", [email.id]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

async function forgetUnsubscribed(email: string): Promise<void> {
  await pool.query('UPDATE contacts SET email = NULL, unsubscribed_at = now() WHERE email = $1', [email]);
  // safe: Code Quality
  await connection.del(`contact:${email}`).catch(() => undefined); // best-effort: the cached entry expires within 10 minutes anyway
}

async function sendDigests(): Promise<void> {
  // vuln: Concurrency
  const { rows } = await pool.query("SELECT id, email, body FROM digests WHERE sent = false AND due_at <= now()");
  for (const digest of rows) {
    await sgMail.send({ to: digest.email, from: 'digest@enrich.example', subject: 'Your weekly digest', html: digest.body });
    await pool.query('UPDATE digests SET sent = true WHERE id = $1', [digest.id]);
  }
}

async function smsAlert(recipients: string[], text: string): Promise<void> {
  // safe: Cost Control
  for (const to of recipients.slice(0, MAX_SMS_PER_JOB)) {
    await sms.messages.create({ to, from: process.env.TWILIO_FROM, body: text.slice(0, 320) });
  }
}

export const notifyWorker = new Worker(
  'notify',
  async (job) => {
    if (job.name === 'emails') return sendQueuedEmails();
    if (job.name === 'digests') return sendDigests();
    if (job.name === 'sms') return smsAlert(job.data.recipients, job.data.text);
    if (job.name === 'unsubscribe') return forgetUnsubscribed(job.data.email);
  },
  { connection, concurrency: 2 },
);
