import { request } from 'undici';

export async function sendResetEmail(to: string, token: string): Promise<void> {
  // safe: Reliability
  const res = await request('https://api.postmarkapp.com/email', {
    method: 'POST',
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
    headers: { 'x-postmark-server-token': process.env.POSTMARK_TOKEN ?? '', 'content-type': 'application/json' },
    body: JSON.stringify({ From: 'no-reply@parley.example', To: to, Subject: 'Reset your password', TextBody: `https://parley.example/reset?token=${token}` }),
  });
  if (res.statusCode >= 300) throw new Error(`postmark answered ${res.statusCode}`);
}
