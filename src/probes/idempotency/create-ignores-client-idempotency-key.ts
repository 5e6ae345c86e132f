import { findNodes, lineOf, methodName, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Fields clients send so that a retry can be recognised: `clientMessageId`, `clientRequestId`, `idempotencyKey`. */
const KEY_FIELD = /^(?:client(?:Message|Request|Order|Mutation|Tx|Event|Op)Id|client_(?:message|request|order)_id|idempotency_?key|idempotencyKey|dedupe_?key|dedupeKey)$/i;
const CREATES = /^(?:create|createOne|insert|insertOne|save|add)$/;

export default defineProbe({
  meta: {
    id: 'create-ignores-client-idempotency-key',
    title: 'Create endpoint ignores the idempotency key its clients send',
    category: 'Idempotency',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A POST handler declares a client-supplied idempotency field in its request type (clientMessageId, clientRequestId, idempotencyKey) and creates a record without ever reading it.',
    impact: 'Clients retry on timeouts and flaky networks believing the key protects them, but each retry creates another record: duplicated messages, orders or comments that the client cannot tell apart.',
    remediation: 'Store the key with the record under a unique index scoped to the user (or look it up first) and return the existing record when a retry repeats it.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().some((r) => r.method === 'POST'),
  detect(ctx) {
    return ctx.routes().flatMap((route): Hit[] => {
      const handler = route.handler;
      if (route.method !== 'POST' || !handler?.body) return [];
      const declared = declaredKeys(handler);
      if (declared.length === 0) return [];
      const used = new Set(findNodes(handler.body, ts.isIdentifier).filter((id) => !ts.findAncestor(id, ts.isTypeNode)).map((id) => id.text));
      const ignored = declared.filter((key) => !used.has(key));
      const create = findNodes(handler.body, ts.isCallExpression).find((call) => CREATES.test(methodName(call) ?? '') && ts.isPropertyAccessExpression(call.expression));
      if (ignored.length === 0 || !create) return [];
      return [{ file: route.file, line: lineOf(create), message: `The request declares ${ignored[0]} but the handler never reads it: a retried request creates a second record.` }];
    });
  },
});

/** Key fields named in the handler's request types: the route's type arguments, parameter annotations, `as { … }` casts. */
function declaredKeys(handler: ts.FunctionLikeDeclaration): string[] {
  const registration = handler.parent && ts.isCallExpression(handler.parent) ? handler.parent : undefined;
  const types: ts.Node[] = [...(registration?.typeArguments ?? []), ...handler.parameters.flatMap((p) => (p.type ? [p.type] : [])), ...findNodes(handler.body!, ts.isAsExpression).map((a) => a.type)];
  return types.flatMap((t) => findNodes(t, ts.isPropertySignature).concat(ts.isPropertySignature(t) ? [t] : [])).map((p) => p.name.getText().replace(/['"]/g, '')).filter((name) => KEY_FIELD.test(name));
}
