import type { SourceFile } from '../../repo/view.js';
import { defineProbe, type Hit } from '../types.js';

/** Words of a model name that mark money or audit history. */
const RECORD_WORDS = new Set(['order', 'payment', 'invoice', 'transaction', 'charge', 'refund', 'ledger', 'audit', 'subscription', 'payout', 'receipt', 'purchase', 'billing']);
/** Subscriptions that are not billing: push, newsletter and event subscriptions come and go with their owner. */
const NOT_BILLING = new Set(['push', 'newsletter', 'email', 'mail', 'notification', 'webhook', 'topic', 'channel', 'event', 'web', 'feed']);

export default defineProbe({
  meta: {
    id: 'prisma-cascade-delete-of-records',
    title: 'Deleting a parent cascades into financial or audit records',
    category: 'Data Integrity',
    severity: 'HIGH',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A Prisma relation on a model that holds financial or audit records (orders, payments, invoices, transactions, ledger entries, audit logs) uses onDelete: Cascade toward a parent outside that history.',
    impact: 'Deleting a user, customer or product silently deletes the money and audit trail attached to it, which breaks accounting, refunds, dispute evidence and legal retention duties.',
    remediation: 'Use onDelete: Restrict (or SetNull with a nullable key) for these relations, and soft-delete or anonymise the parent instead of deleting it.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['prisma']).some((file) => /\bmodel\s+\w+/.test(file.text)),
  detect(ctx) {
    return ctx.files(['prisma']).flatMap((file) => cascades(file));
  },
});

function cascades(file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  let model: string | undefined;
  file.lines.forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, '');
    const open = /^\s*model\s+(\w+)\s*\{/.exec(line);
    if (open) model = open[1];
    else if (/^\s*\}/.test(line)) model = undefined;
    if (!model || open || !/@relation\([^)]*\bonDelete\s*:\s*Cascade\b/.test(line)) return;
    const parent = /^\s*\w+\s+(\w+)/.exec(line)?.[1] ?? '';
    // An invoice's lines or an order's items going with the invoice or order is one record, not lost history.
    if (!isRecord(model) || isRecord(parent)) return;
    hits.push({ file, line: index + 1, message: `Deleting a ${parent} cascades into ${model} rows: financial or audit history disappears with it.` });
  });
  return hits;
}

/** `AuditLog`, `payment_attempts`, `LedgerEntry` → true; `PushSubscription`, `SortOrder` → false. */
function isRecord(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_]+/).map((w) => w.toLowerCase().replace(/s$/, ''));
  return words.some((word, i) => {
    if (!RECORD_WORDS.has(word)) return false;
    if (word === 'subscription') return !words.slice(0, i).some((w) => NOT_BILLING.has(w));
    return !(word === 'order' && ['sort', 'display', 'work'].includes(words[i - 1] ?? ''));
  });
}
