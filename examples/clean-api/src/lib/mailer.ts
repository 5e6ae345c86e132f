import type { Env } from '../config.js';
import { UpstreamError } from './errors.js';
import { fetchWithRetry } from './fetch-with-retry.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Transactional mail through Postmark's HTTP API. */
export function createMailer(env: Pick<Env, 'POSTMARK_SERVER_TOKEN' | 'MAIL_FROM'>): Mailer {
  return {
    async send(message) {
      const response = await fetchWithRetry(
        'https://api.postmarkapp.com/email',
        {
          method: 'POST',
          headers: {
            accept: 'application/json',
            'content-type': 'application/json',
            'X-Postmark-Server-Token': env.POSTMARK_SERVER_TOKEN,
          },
          body: JSON.stringify({
            From: env.MAIL_FROM,
            To: message.to,
            Subject: message.subject,
            TextBody: message.text,
            MessageStream: 'outbound',
          }),
        },
        { attempts: 3, timeoutMs: 5_000 },
      );
      if (!response.ok) {
        throw new UpstreamError(`Postmark rejected the message with HTTP ${response.status}: ${await response.text()}`);
      }
    },
  };
}
