import nodemailer from 'nodemailer';
import { config } from '../config';

const transport = nodemailer.createTransport({
  host: config.smtp.host,
  port: config.smtp.port,
  secure: config.smtp.port === 465,
  auth: config.smtp.user ? { user: config.smtp.user, pass: config.smtp.pass } : undefined,
});

export const mailer = {
  async send(to: string, subject: string, html: string): Promise<void> {
    await transport.sendMail({ from: config.mailFrom, to, subject, html });
  },
};
