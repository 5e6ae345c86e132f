import type { SourceFile } from '../../repo/view.js';
import { calleeName, enclosingFunction, findNodes, lineOf, methodName, stringValue, ts } from '../support/ast.js';
import { isSend } from '../support/jobs.js';
import { defineProbe, type Hit } from '../types.js';

/** How a handler receives a provider event: a verified Stripe/Svix event, or one cast to the provider's type. */
const EVENT_SOURCE = /^(?:constructEvent|constructEventAsync|unwrap|unmarshal|parse)$/;
const EVENT_TYPE = /^(?:Stripe\.(?:Event|DiscriminatedEvent)|WebhookEvent|Svix\w*Event)$/;
/** The event's own id reaching any statement: recorded, looked up or locked on (code only: comments say nothing). */
const EVENT_ID = /^\w*(?:event|evt)\w*\.id$/i;
const DELIVERY_ID = /^(?:event_?id|eventId|deliveryId|idempotency_?key|svix-id|webhook-id|x-github-delivery)$/i;
/** Paddle `paddle.webhooks.unmarshal(...)`, Braintree `gateway.webhookNotification.parse(...)`, and the other providers' SDKs. */
const PROVIDERS = ['@paddle/paddle-node-sdk', 'braintree', '@mollie/api-client', '@adyen/api-library', '@lemonsqueezy/lemonsqueezy.js'];
const WRITES = /^(?:update|updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate|save|upsert|query|execute)$/;

export default defineProbe({
  meta: {
    id: 'webhook-handler-without-event-dedupe',
    title: 'Webhook handler does not deduplicate events',
    category: 'Idempotency',
    severity: 'HIGH',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A webhook handler acts on a provider event (sends a message, increments a balance, overwrites state from an `*.updated` event) without recording or checking the event id.',
    impact: 'Providers deliver events at least once and out of order: a redelivered event sends the email again or credits the balance twice, and a late `*.updated` event overwrites newer state with an older snapshot.',
    remediation: 'Insert the event id into a table with a unique constraint before acting (`INSERT … ON CONFLICT (id) DO NOTHING`, return 200 on a duplicate), and for snapshot events compare the event’s `created` time (or refetch the object) before writing.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.hasDependency('stripe', 'svix', '@octokit/webhooks', ...PROVIDERS) || ctx.scripts(['constructEvent', 'Stripe.Event']).length > 0,
  detect(ctx) {
    return ctx.scripts(['constructEvent', 'Event', 'unwrap', 'unmarshal', 'webhookNotification']).flatMap((file) => {
      const handlers = new Set<ts.FunctionLikeDeclaration>();
      for (const call of ctx.calls(file)) if (EVENT_SOURCE.test(methodName(call) ?? '') && /webhook/i.test(calleeName(call))) addHandler(handlers, call);
      for (const cast of ctx.nodesOf<ts.AsExpression>(file, ts.SyntaxKind.AsExpression)) if (EVENT_TYPE.test(cast.type.getText())) addHandler(handlers, cast);
      for (const decl of ctx.nodesOf<ts.VariableDeclaration>(file, ts.SyntaxKind.VariableDeclaration)) if (decl.type && EVENT_TYPE.test(decl.type.getText())) addHandler(handlers, decl);
      return [...handlers].flatMap((fn) => (dedupes(fn) ? [] : firstReplayedEffect(file, fn)));
    });
  },
});

function dedupes(fn: ts.Node): boolean {
  return findNodes(fn, (n): n is ts.PropertyAccessExpression | ts.Identifier | ts.StringLiteral => ts.isPropertyAccessExpression(n) || ts.isIdentifier(n) || ts.isStringLiteral(n)).some((n) =>
    ts.isPropertyAccessExpression(n) ? EVENT_ID.test(n.getText()) : DELIVERY_ID.test(n.text),
  );
}

function addHandler(handlers: Set<ts.FunctionLikeDeclaration>, node: ts.Node): void {
  const fn = enclosingFunction(node);
  if (fn) handlers.add(fn);
}

/** The first effect in the handler that a second delivery of the same event would repeat or regress. */
function firstReplayedEffect(file: SourceFile, fn: ts.FunctionLikeDeclaration): Hit[] {
  for (const call of findNodes(fn, ts.isCallExpression)) {
    if (isSend(call)) return [hit(file, call, `sends ${calleeName(call)}(...)`)];
    const text = call.arguments.map((a) => a.getText()).join(',');
    const method = methodName(call) ?? '';
    if (WRITES.test(method) && /\b(?:increment|decrement)\s*:|\$inc\b|\bset\s+(\w+)\s*=\s*\1\s*[-+]/i.test(text)) return [hit(file, call, 'adjusts a balance or counter')];
    if (WRITES.test(method) && /\.(?:updated|deleted)$/.test(eventBranch(call) ?? '')) return [hit(file, call, `overwrites state from a ${eventBranch(call)} snapshot, which may arrive late or twice`)];
  }
  return [];
}

function hit(file: SourceFile, call: ts.CallExpression, what: string): Hit {
  return { file, line: lineOf(call), message: `Webhook handler ${what} without recording the event id: a redelivered or out-of-order event repeats it.` };
}

/** The event type a call is dispatched under: `case 'x.updated':` (fall-through labels included) or `if (event.type === 'x.updated')`. */
function eventBranch(node: ts.Node): string | undefined {
  for (let current = node.parent; current && !ts.isFunctionLike(current); current = current.parent) {
    if (ts.isCaseClause(current)) {
      const clauses = current.parent.clauses;
      const labels: string[] = [];
      for (let i = clauses.indexOf(current); i >= 0; i--) {
        const clause = clauses[i]!;
        if (i !== clauses.indexOf(current) && clause.statements.length > 0) break;
        if (ts.isCaseClause(clause)) labels.push(stringValue(clause.expression) ?? '');
      }
      return labels.find((l) => /\.(?:updated|deleted)$/.test(l)) ?? labels[0];
    }
    if (ts.isIfStatement(current)) {
      const compared = findNodes(current.expression, ts.isStringLiteral).map((s) => s.text).find((t) => /^[\w.]+\.\w+$/.test(t));
      if (compared) return compared;
    }
  }
  return undefined;
}
