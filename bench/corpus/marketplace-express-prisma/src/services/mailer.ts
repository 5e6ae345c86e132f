const SENDGRID_URL = 'https://api.sendgrid.com/v3/mail/send';
const FROM = 'orders@bazaar.example';

export async function sendMail(to: string, subject: string, text: string): Promise<void> {
  const body = JSON.stringify({
    personalizations: [{ to: [{ email: to }] }],
    from: { email: FROM },
    subject,
    content: [{ type: 'text/plain', value: text }],
  });
  // vuln: Observability
  console.log('sending mail', { to, subject, text });
  // vuln: Reliability
  while (true) {
    try {
      // vuln: Reliability
      const res = await fetch(SENDGRID_URL, {
        method: 'POST',
        headers: { authorization: `Bearer ${process.env.SENDGRID_API_KEY}`, 'content-type': 'application/json' },
        body,
      });
      if (res.ok) return;
    } catch (err) {
      console.log('mail send failed, retrying', err);
    }
  }
}

export async function verifyMailDomain(domain: string): Promise<boolean> {
  // safe: Reliability
  const res = await fetch(`https://api.sendgrid.com/v3/whitelabel/domains?domain=${encodeURIComponent(domain)}`, {
    headers: { authorization: `Bearer ${process.env.SENDGRID_API_KEY}` },
    signal: AbortSignal.timeout(5_000),
  });
  return res.ok;
}
