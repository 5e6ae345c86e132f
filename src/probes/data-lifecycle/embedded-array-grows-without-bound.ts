import { propertyOf, ts } from '../support/ast.js';
import { mongooseSchemas } from '../support/schema-mongoose.js';
import { defineProbe, type Hit } from '../types.js';

/** Paths that collect one entry per login, event or message: they only ever grow. */
const GROWING = /^(?:sessions|refreshTokens|tokens|logins|loginHistory|history|events|activity|activities|activityLog|logs|auditLog|auditTrail|notifications|messages|comments|visits|pageViews|clicks|views|devices|ipHistory|transactions|payments|orders)$/;

export default defineProbe({
  meta: {
    id: 'embedded-array-grows-without-bound',
    title: 'Per-event records embedded in a document without a bound',
    category: 'Data Lifecycle',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A Mongoose schema embeds an array of subdocuments that gains one entry per session, login, event or message (sessions, history, notifications...) with no length limit or expiry.',
    impact: 'The parent document grows with every login or event: every read of the user loads the whole history, writes rewrite it, and the document eventually hits MongoDB’s 16 MB limit, after which the account cannot be saved at all.',
    remediation: 'Move the entries to their own collection with a reference and a TTL index, or cap the array (`$push` with `$slice`, a length validator) and prune old entries.',
    effort: 'hours',
  },
  applies: (ctx) => mongooseSchemas(ctx).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const schema of mongooseSchemas(ctx)) {
      for (const field of schema.fields) {
        if (!GROWING.test(field.name)) continue;
        const element = arrayElement(field.value);
        // An array of ids or strings is a list of references, not embedded records.
        if (!element || !(ts.isObjectLiteralExpression(element) && !propertyOf(element, 'type')) && !/Schema$/.test(element.getText())) continue;
        if (field.options && propertyOf(field.options, 'validate')) continue;
        if (new RegExp(`\\b${field.name}\\b[^;]{0,160}\\$slice|\\b${field.name}\\.(?:shift|splice)\\(`).test(schema.source)) continue;
        hits.push({ file: schema.file, line: field.line, message: `${field.name} embeds one subdocument per entry in the parent document and nothing caps or expires it.` });
      }
    }
    return hits;
  },
});

/** `[{ ... }]`, `[sessionSchema]` or `{ type: [sessionSchema] }` → the element definition. */
function arrayElement(value: ts.Expression): ts.Expression | undefined {
  if (ts.isArrayLiteralExpression(value)) return value.elements[0];
  if (ts.isObjectLiteralExpression(value)) {
    const type = propertyOf(value, 'type');
    return type && ts.isArrayLiteralExpression(type) ? type.elements[0] : undefined;
  }
  return undefined;
}
