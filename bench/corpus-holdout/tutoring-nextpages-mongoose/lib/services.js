import Stripe from 'stripe';
import { Resend } from 'resend';
import Anthropic from '@anthropic-ai/sdk';

// safe: Reliability
export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY, { apiVersion: '2023-10-16', timeout: 20000, maxNetworkRetries: 2 });

const resend = new Resend(process.env.RESEND_API_KEY);

// vuln: Reliability
export const anthropic = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });

export const PLANS = {
  monthly4: { price: process.env.STRIPE_PRICE_MONTHLY4, credits: 4 },
  monthly8: { price: process.env.STRIPE_PRICE_MONTHLY8, credits: 8 },
};

export function escapeHtml(s = '') {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function sendMail({ to, subject, html }) {
  const { data, error } = await resend.emails.send({ from: 'Tutorly <lessons@tutorly.app>', to, subject, html });
  if (error) throw new Error(`email to ${to} failed: ${error.message}`);
  return data;
}
