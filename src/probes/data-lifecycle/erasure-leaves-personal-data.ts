import type { ProbeContext } from '../context.js';
import { findNodes, lineOf, propertyOf, ts } from '../support/ast.js';
import { requestHandlers } from '../support/data-access.js';
import { prismaModels } from '../support/prisma.js';
import { typeormEntities } from '../support/schema-typeorm.js';
import { defineProbe, type Hit } from '../types.js';

const ERASURE = /eras|anonymi[sz]|forget|gdpr|scrub|redact/i;
const PII_FIELD = /^(?:e?mail|emailAddress|phone|phoneNumber|mobile|address|billingAddress|shippingAddress|street|postalCode|postcode|zip|dateOfBirth|dob|birthDate|firstName|lastName|fullName|name|ssn|nationalId|taxId|vatNumber|passportNumber|ipAddress|lastIp)$/i;
const UPDATES = /^(?:update|updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate)$/;

export default defineProbe({
  meta: {
    id: 'erasure-leaves-personal-data',
    title: 'Erasure leaves personal data in place',
    category: 'Data Lifecycle',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'An erase or anonymise handler updates the person’s record but sets a personal field to `undefined` (which ORMs skip, leaving the value untouched) or leaves other personal fields of the model as they were.',
    impact: 'The request is acknowledged as erased while the email, address or tax id is still stored and still exported, which breaks the erasure duty (GDPR art. 17) and the promise made to the person.',
    remediation: 'Overwrite or null every personal field of the model (and its related rows) explicitly — `null`, not `undefined` — and test the erasure against the model’s full field list.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const handler of requestHandlers(ctx)) {
      const name = (handler.fn.name?.getText() ?? '') + ' ' + (ctx.routes().find((r) => r.handler === handler.fn)?.path ?? '');
      if (!ERASURE.test(name)) continue;
      for (const call of findNodes(handler.body, ts.isCallExpression)) {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || !UPDATES.test(callee.name.text)) continue;
        const data = dataOf(call);
        if (!data) continue;
        const written = data.properties.map((p) => p.name?.getText() ?? '');
        const skipped = data.properties.filter((p) => ts.isPropertyAssignment(p) && p.initializer.kind === ts.SyntaxKind.Identifier && p.initializer.getText() === 'undefined').map((p) => p.name!.getText());
        const untouched = piiFields(ctx, callee.expression.getText().split('.').at(-1) ?? '').filter((f) => !written.includes(f));
        const left = [...skipped, ...untouched];
        if (left.length === 0) continue;
        hits.push({ file: handler.file, line: lineOf(call), message: `This erasure leaves ${left.join(', ')} in place${skipped.length ? ` (${skipped.join(', ')} set to undefined is not written at all)` : ''}.` });
      }
    }
    return hits;
  },
});

/** The object of new values: Prisma's `data`, or the second argument of TypeORM and Mongoose updates. */
function dataOf(call: ts.CallExpression): ts.ObjectLiteralExpression | undefined {
  const [first, second] = call.arguments;
  const data = first && ts.isObjectLiteralExpression(first) && propertyOf(first, 'data') ? propertyOf(first, 'data') : second;
  if (!data || !ts.isObjectLiteralExpression(data)) return undefined;
  const set = propertyOf(data, '$set');
  return set && ts.isObjectLiteralExpression(set) ? set : data;
}

/** Personal fields of the model a receiver (`this.customers`, `prisma.customer`) writes, when its schema is visible. */
function piiFields(ctx: ProbeContext, receiver: string): string[] {
  const key = receiver.replace(/Repo(?:sitory)?$/i, '').toLowerCase().replace(/s$/, '');
  const entity = typeormEntities(ctx).find((e) => e.name.toLowerCase() === key);
  if (entity) return entity.properties.filter((p) => /Column$/.test(p.kind) && PII_FIELD.test(p.name)).map((p) => p.name);
  const model = prismaModels(ctx).find((m) => m.name.toLowerCase() === key);
  return model ? model.fields.filter((f) => PII_FIELD.test(f.name)).map((f) => f.name) : [];
}
