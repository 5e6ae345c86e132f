'use client';

import { useState } from 'react';

export function BillingActions({ plan, priceId }: { plan: string; priceId: string }) {
  const [cancelling, setCancelling] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function upgrade() {
    const res = await fetch('/api/billing/checkout', { method: 'POST', body: JSON.stringify({ priceId }) });
    const { url } = await res.json();
    window.location.assign(url);
  }

  async function cancel() {
    if (!window.confirm('Cancel your subscription at the end of the billing period?')) return;
    setCancelling(true);
    try {
      const res = await fetch('/api/billing/subscription', { method: 'DELETE' });
      // safe: UI/UX Safety
      setMessage(res.ok ? 'Your plan will end at the close of this billing period.' : 'We could not cancel your plan. Nothing was changed — please try again.');
    } finally {
      setCancelling(false);
    }
  }

  return (
    <div>
      <p>Current plan: {plan}</p>
      {/* vuln: UI/UX Safety */}
      <button onClick={upgrade}>Upgrade to Team</button>
      {/* safe: UI/UX Safety */}
      <button onClick={cancel} disabled={cancelling}>
        Cancel subscription
      </button>
      {message && <p role="status">{message}</p>}
    </div>
  );
}
