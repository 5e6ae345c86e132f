import type { ProbeContext } from '../context.js';
import { findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { requestHandlers, selfAccountDelete } from '../support/data-access.js';
import { prismaModels } from '../support/prisma.js';
import { mongooseSchemas } from '../support/schema-mongoose.js';
import { sqlTables } from '../support/schema-sql.js';
import { defineProbe, type Hit } from '../types.js';

const DELETES = /^(?:delete|deleteOne|deleteMany|destroy|remove|findByIdAndDelete|findOneAndDelete)$/;
/** Other work in the same handler that takes care of the rest of the person's data. */
const CLEANUP = /\$transaction|\btransaction\(|erase|anonymi[sz]|purge|cleanup|clean[A-Z]|scrub|deleteUserData|deleteAccountData|scheduleDeletion|enqueue|\.add\(/i;

export default defineProbe({
  meta: {
    id: 'account-deletion-leaves-user-data',
    title: 'Account deletion leaves the person’s data behind',
    category: 'Data Lifecycle',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A self-service account deletion deletes only the user row: nothing in the handler deletes or anonymises the records that reference the user, and the schema (when visible) does not cascade or null those references.',
    impact: 'Messages, orders, files and profile data of a person who asked to be forgotten stay in the database, orphaned and still tied to their identity, which breaks erasure duties (GDPR art. 17, CCPA) and leaves dangling references that crash pages later.',
    remediation: 'Delete or anonymise every table that references the user in one transaction (or an erasure job the handler enqueues), keep what law requires in anonymised form, and cascade or null the foreign keys that should follow the user.',
    effort: 'days',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const handler of requestHandlers(ctx)) {
      const calls = findNodes(handler.body, ts.isCallExpression);
      const own = calls.find((call) => {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || !DELETES.test(callee.name.text)) return false;
        return selfAccountDelete(call, callee.expression.getText().split('.').at(-1) ?? '');
      });
      if (!own || CLEANUP.test(handler.body.getText())) continue;
      // An ORM write takes a filter object; `cookies.delete('session')` or `session.destroy(cb)` does not.
      const others = calls.filter((c) => c !== own && ts.isPropertyAccessExpression(c.expression) && /^(?:delete\w*|update\w*|destroy|remove)$/.test(c.expression.name.text) && !!c.arguments[0] && ts.isObjectLiteralExpression(c.arguments[0]));
      if (others.length > 0) continue;
      const model = (own.expression as ts.PropertyAccessExpression).expression.getText().split('.').at(-1)!;
      const left = danglingReferences(ctx, model);
      if (left !== undefined && left.length === 0) continue;
      hits.push({ file: handler.file, line: lineOf(own), message: `This deletes the ${model} row and nothing else${left?.length ? `: ${left.slice(0, 4).join(', ')} still reference the user` : ''}; the person’s other data stays behind.` });
    }
    return hits;
  },
});

/**
 * Models that reference the deleted one and are neither cascaded nor nulled by the database, or
 * undefined when no schema of the model is visible (then nothing proves the data goes away).
 */
function danglingReferences(ctx: ProbeContext, model: string): string[] | undefined {
  const is = (name: string): boolean => name.replace(/_/g, '').toLowerCase().replace(/s$/, '') === model.toLowerCase().replace(/s$/, '');
  // `User.deleteOne(...)` is a Mongoose (or Sequelize) model; `db.user.delete(...)` a Prisma delegate.
  if (/^[A-Z]/.test(model)) {
    const fromMongoose = mongooseReferences(ctx, is);
    if (fromMongoose !== undefined) return fromMongoose;
  }
  const prisma = prismaModels(ctx);
  if (prisma.some((m) => is(m.name))) {
    return prisma.filter((m) => m.fields.some((f) => is(f.type) && f.relation && !/^(?:Cascade|SetNull)$/.test(f.relation.onDelete ?? ''))).map((m) => m.name);
  }
  const tables = sqlTables(ctx);
  if (tables.some((t) => is(t.name))) {
    return tables.filter((t) => t.columns.some((c) => c.references && is(c.references.table) && !/^(?:CASCADE|SET\s+NULL)$/.test(c.references.onDelete ?? ''))).map((t) => t.name);
  }
  return mongooseReferences(ctx, is);
}

function mongooseReferences(ctx: ProbeContext, is: (name: string) => boolean): string[] | undefined {
  const schemas = mongooseSchemas(ctx);
  const own = schemas.find((s) => s.models.some(is));
  if (!own) return undefined;
  // Mongoose has no cascades: only a delete hook on the user schema removes what points at a user.
  if (/\.(?:pre|post)\(\s*['"](?:deleteOne|deleteMany|findOneAndDelete|remove)['"]/.test(own.source)) return [];
  return schemas.filter((s) => s.fields.some((f) => f.options && is(stringValue(propertyOf(f.options, 'ref')) ?? ''))).flatMap((s) => s.models);
}
