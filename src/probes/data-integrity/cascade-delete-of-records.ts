import type { ProbeContext } from '../context.js';
import { propertyOf, stringValue } from '../support/ast.js';
import { prismaModels } from '../support/prisma.js';
import { drizzleTables } from '../support/schema-drizzle.js';
import { sqlTables } from '../support/schema-sql.js';
import { sequelizeCascades, sequelizeTables } from '../support/schema-sequelize.js';
import { typeormEntities } from '../support/schema-typeorm.js';
import { defineProbe, type Hit } from '../types.js';

/** Words of a model name that mark money or audit history. */
const RECORD_WORDS = new Set(['order', 'payment', 'invoice', 'transaction', 'charge', 'refund', 'ledger', 'audit', 'subscription', 'payout', 'receipt', 'purchase', 'billing']);
/** Subscriptions that are not billing: push, newsletter and event subscriptions come and go with their owner. */
const NOT_BILLING = new Set(['push', 'newsletter', 'email', 'mail', 'notification', 'webhook', 'topic', 'channel', 'event', 'web', 'feed']);

export default defineProbe({
  meta: {
    id: 'cascade-delete-of-records',
    title: 'Deleting a parent cascades into financial or audit records',
    category: 'Data Integrity',
    severity: 'HIGH',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A foreign key from financial or audit records (orders, payments, invoices, transactions, ledger entries, audit logs) cascades deletes from a parent they are not a part of (Prisma onDelete: Cascade, TypeORM onDelete: \'CASCADE\', SQL or Knex ON DELETE CASCADE, Sequelize migrations and associations with onDelete: \'CASCADE\', Drizzle `.references(() => users.id, { onDelete: \'cascade\' })`), directly or through a table that cascades into them (a room deletes its reservations, which delete their payments).',
    impact: 'Deleting a user, customer, product or order silently deletes the money and audit trail attached to it, which breaks accounting, refunds, dispute evidence and legal retention duties.',
    remediation: 'Use RESTRICT (or SET NULL with a nullable key) for these relations, and soft-delete or anonymise the parent instead of deleting it.',
    effort: 'hours',
  },
  applies: (ctx) => prismaModels(ctx).length > 0 || sqlTables(ctx).length > 0 || typeormEntities(ctx).length > 0 || sequelizeTables(ctx).length > 0 || drizzleTables(ctx).length > 0,
  detect(ctx) {
    const edges = cascadeEdges(ctx);
    const hits: Hit[] = [];
    for (const edge of edges) {
      if (losesHistory(edge.child, edge.parent)) {
        hits.push({ file: edge.file, line: edge.line, message: `Deleting a ${edge.parent} cascades into ${edge.child} rows: financial or audit history disappears with it.` });
        continue;
      }
      const record = isRecord(words(edge.child)) ? undefined : recordBelow(edges, edge.child);
      if (record) hits.push({ file: edge.file, line: edge.line, message: `Deleting a ${edge.parent} cascades into ${edge.child} rows and from them into ${record} rows: financial or audit history disappears with it.` });
    }
    return hits;
  },
});

/** A foreign key or association that deletes `child` rows with their `parent`. */
interface CascadeEdge {
  readonly file: Hit['file'];
  readonly line: number;
  readonly child: string;
  readonly parent: string;
}

function cascadeEdges(ctx: ProbeContext): CascadeEdge[] {
  const edges: CascadeEdge[] = [];
  for (const model of prismaModels(ctx)) {
    for (const field of model.fields) if (field.relation?.onDelete === 'Cascade') edges.push({ file: model.file, line: field.line, child: model.name, parent: field.type });
  }
  for (const table of [...sqlTables(ctx), ...sequelizeTables(ctx), ...drizzleTables(ctx)]) {
    for (const column of table.columns) if (column.references?.onDelete === 'CASCADE') edges.push({ file: table.file, line: column.line, child: table.name, parent: column.references.table });
  }
  for (const entity of typeormEntities(ctx)) {
    for (const p of entity.properties) {
      if (p.target && p.options && stringValue(propertyOf(p.options, 'onDelete'))?.toUpperCase() === 'CASCADE') edges.push({ file: entity.file, line: p.declarationLine, child: entity.name, parent: p.target });
    }
  }
  edges.push(...sequelizeCascades(ctx));
  return edges;
}

/**
 * A record table that cascades from `table`, directly or through other cascading tables: deleting a room
 * deletes its reservations, and the reservations' cascade deletes their payments. The record must not be a part of
 * the table it hangs from (an order's items go with the order).
 */
function recordBelow(edges: readonly CascadeEdge[], table: string, seen = new Set<string>()): string | undefined {
  const key = words(table).join(' ');
  if (seen.has(key)) return undefined;
  seen.add(key);
  for (const edge of edges) {
    if (words(edge.parent).join(' ') !== key) continue;
    if (losesHistory(edge.child, edge.parent)) return edge.child;
    const deeper = isRecord(words(edge.child)) ? undefined : recordBelow(edges, edge.child, seen);
    if (deeper) return deeper;
  }
  return undefined;
}

/**
 * A record that goes with a parent outside the history (an order with its user) is lost history; an
 * invoice's lines or an order's items going with the invoice or order are one record. A payment going
 * with its order is not: it is evidence of its own.
 */
function losesHistory(child: string, parent: string): boolean {
  const childWords = words(child);
  const parentWords = words(parent);
  if (!isRecord(childWords)) return false;
  const partOf = parentWords.every((w, i) => childWords[i] === w) && !isRecord(childWords.slice(parentWords.length));
  return !partOf;
}

/** `AuditLog` → [audit, log]; `payment_attempts` → [payment, attempt]. */
function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_]+/).map((w) => w.toLowerCase().replace(/ies$/, 'y').replace(/s$/, ''));
}

/** [audit, log], [ledger, entry] → true; [push, subscription], [sort, order] → false. */
function isRecord(words: readonly string[]): boolean {
  return words.some((word, i) => {
    if (!RECORD_WORDS.has(word)) return false;
    if (word === 'subscription') return !words.slice(0, i).some((w) => NOT_BILLING.has(w));
    return !(word === 'order' && ['sort', 'display', 'work'].includes(words[i - 1] ?? ''));
  });
}
