import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, enclosingFunction, findNodes, lineOf, methodName, propertyOf, ts } from '../support/ast.js';
import { sourcesOf } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';
import type { Severity } from '../../model/taxonomy.js';

/** Stripe calls that move money or start billing; a duplicate of any of them charges, pays out or refunds twice. */
const MONEY_CALLS: ReadonlyMap<string, Severity> = new Map([
  ['charges.create', 'CRITICAL'],
  ['paymentIntents.create', 'CRITICAL'],
  ['refunds.create', 'CRITICAL'],
  ['transfers.create', 'CRITICAL'],
  ['payouts.create', 'CRITICAL'],
  ['subscriptions.create', 'CRITICAL'],
  // Stripe refuses to pay a paid invoice, so only concurrent duplicates get through.
  ['invoices.pay', 'HIGH'],
  // A duplicate Checkout Session is a second page the customer may or may not pay, not a second charge.
  ['checkout.sessions.create', 'HIGH'],
  // Mollie (`createMollieClient`): payments and refunds take an `idempotencyKey` parameter.
  ['payments.create', 'CRITICAL'],
  ['paymentRefunds.create', 'CRITICAL'],
  // Adyen (`new CheckoutAPI(client)`): request options `{ idempotencyKey }` after the request.
  ['PaymentsApi.payments', 'CRITICAL'],
  ['ModificationsApi.refundCapturedPayment', 'CRITICAL'],
  ['ModificationsApi.captureAuthorisedPayment', 'CRITICAL'],
]);
/** Payment SDKs besides Stripe whose clients the probe knows by their constructor. */
const OTHER_PROVIDERS = ['@mollie/api-client', '@adyen/api-library'];
const OTHER_CLIENT = /^(?:createMollieClient|CheckoutAPI|(?:\w+\.)?CheckoutAPI)$/;
const IDEMPOTENCY_KEYS = new Set(['idempotencyKey', 'idempotency_key']);

export default defineProbe({
  meta: {
    id: 'payment-without-idempotency-key',
    title: 'Payment call without an idempotency key',
    category: 'Idempotency',
    severity: 'CRITICAL',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'high',
    description: 'A Stripe (or Mollie, Adyen) call that moves money (charge, payment intent, refund, transfer, payout, subscription, invoice payment, checkout session) passes no idempotencyKey request option, or one minted fresh per call (randomUUID(), Date.now()). When the call sits in a helper that never sends a key, or forwards an options parameter its caller leaves out, the helper\'s callers in other files are reported.',
    impact: 'A client retry, a double-click, a timed-out request or a redelivered job sends the call again and the customer is charged, refunded or paid out twice.',
    remediation: 'Pass `{ idempotencyKey }` as the request-options argument, derived from the order or operation id (not a fresh random value per attempt), so every retry of one operation reuses one key.',
    effort: 'hours',
  },
  // Repo-wide: a helper that wraps the call is judged at its callers in other files.
  applies: (ctx) => ctx.hasDependency('stripe', ...OTHER_PROVIDERS),
  detect(ctx) {
    return ctx
      .scripts(['.create(', '.pay(', '.payments(', 'Payment('])
      .filter((file) => !/(?:^|\/)scripts?\//.test(file.path))
      .flatMap((file) => checkFile(ctx, file));
  },
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const sf = ctx.ast(file);
  const clients = stripeClients(sf);
  return findNodes(sf, ts.isCallExpression).flatMap((call) => {
    const name = calleeName(call);
    const entry = [...MONEY_CALLS].find(([suffix]) => name.endsWith(`.${suffix}`));
    if (!entry) return [];
    const client = name.slice(0, -entry[0].length - 1);
    const base = client.split('.')[0]!;
    const other = clients.get(base) === 'other' || /^(?:mollie\w*|adyen\w*|checkout)$/i.test(base);
    if (!(/stripe/i.test(client) || clients.get(client) === 'stripe' || other)) return [];
    if (other && (entry[0].startsWith('paymentIntents') || entry[0].startsWith('charges'))) return [];
    const fresh = freshKey(call);
    if (fresh) return [{ file, line: lineOf(fresh), severity: entry[1], message: `${name}(...) sends an idempotencyKey made fresh on every call (${fresh.getText()}): a retry carries a new key, so Stripe cannot recognise it as the same operation.` }];
    const keyInParams = other && !/Api\./.test(entry[0]);
    const wrapper = wrapperOf(call);
    const callers = wrapper ? callersOf(ctx, file, wrapper.name) : [];
    // A helper that forwards its own options parameter as the request options: callers that leave it out send no key.
    const forwarded = wrapper && !keyInParams ? forwardedOptionsIndex(call, wrapper.fn) : -1;
    if (forwarded >= 0) return callers.filter((c) => !callerPassesKey(c.call, forwarded)).map((c) => callerHit(c, name, entry[1]));
    if (hasIdempotencyKey(call, keyInParams)) return [];
    // The helper never sends a key: each caller believes its retry is safe, so the callers are where it bites.
    if (callers.length > 0) return callers.map((c) => callerHit(c, name, entry[1]));
    // An unconfirmed PaymentIntent charges nobody until it is confirmed; a confirmed one is the charge.
    const unconfirmed = entry[0] === 'paymentIntents.create' && !confirmsNow(call.arguments[0]);
    const severity = unconfirmed ? 'HIGH' : entry[1];
    const outcome = unconfirmed ? 'creates a second payment intent' : entry[0].startsWith('checkout') ? 'opens a second checkout session' : 'can move the money twice';
    return [{ file, line: lineOf(call), severity, message: `${name}(...) sends no idempotencyKey: a retry or double submit ${outcome}.` }];
  });
}

interface Wrapper {
  readonly name: string;
  readonly fn: ts.FunctionLikeDeclaration;
}

interface CallSite {
  readonly file: SourceFile;
  readonly call: ts.CallExpression;
  readonly wrapper: string;
}

/** The named top-level helper (`function refund(...)`, `const refund = (...) =>`) the money call is made in. */
function wrapperOf(call: ts.CallExpression): Wrapper | undefined {
  const fn = enclosingFunction(call);
  if (!fn || enclosingFunction(fn)) return undefined;
  if (ts.isFunctionDeclaration(fn) && fn.name) return { name: fn.name.text, fn };
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return { name: fn.parent.name.text, fn };
  return undefined;
}

/** Calls of the helper in other files that import it by name (`const { refund } = require('../services')`, `import { refund }`). */
function callersOf(ctx: ProbeContext, home: SourceFile, name: string): CallSite[] {
  const imports = new RegExp(`(?:\\{[^}]*\\b${name}\\b[^}]*\\}\\s*(?:=\\s*require\\(|from\\s))`);
  return ctx
    .scripts([`${name}(`])
    .filter((file) => file !== home && imports.test(file.text))
    .flatMap((file) => findNodes(ctx.ast(file), ts.isCallExpression).filter((c) => ts.isIdentifier(c.expression) && c.expression.text === name).map((call) => ({ file, call, wrapper: name })));
}

/** The index of the helper's parameter passed on untouched as the request options (`payments(request, options)`), or -1. */
function forwardedOptionsIndex(call: ts.CallExpression, fn: ts.FunctionLikeDeclaration): number {
  const options = call.arguments[1];
  if (!options || !ts.isIdentifier(options)) return -1;
  return fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === options.text);
}

/** The caller fills the forwarded options: with a literal holding a key, or with a value it cannot read (benefit of the doubt). */
function callerPassesKey(call: ts.CallExpression, index: number): boolean {
  const arg = call.arguments[index];
  if (!arg || arg.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isIdentifier(arg) && arg.text === 'undefined')) return false;
  if (!ts.isObjectLiteralExpression(arg)) return true;
  return arg.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && IDEMPOTENCY_KEYS.has(p.name.getText().replace(/['"]/g, ''))));
}

function callerHit(site: CallSite, inner: string, severity: Severity): Hit {
  return { file: site.file, line: lineOf(site.call), severity, message: `${site.wrapper}(...) calls ${inner}(...) with no idempotencyKey: whatever reference this call passes, a retry moves the money again.` };
}

/** Generators that return a new value on every call: a key from one of them differs on each retry. */
const FRESH = /^(?:randomUUID|uuid|v4|uuidv4|nanoid|cuid|cuid2|createId|ulid|randomBytes|random|now)$/;

/** The `idempotencyKey` property whose value is minted per call, directly or through a local of the same function. */
function freshKey(call: ts.CallExpression): ts.Node | undefined {
  for (const arg of call.arguments.slice(1)) {
    if (!ts.isObjectLiteralExpression(arg)) continue;
    const prop = arg.properties.find((p) => p.name !== undefined && IDEMPOTENCY_KEYS.has(p.name.getText().replace(/['"]/g, '')));
    const value = prop && (ts.isPropertyAssignment(prop) ? prop.initializer : ts.isShorthandPropertyAssignment(prop) ? prop.name : undefined);
    if (!value) continue;
    const fn = enclosingFunction(call);
    const local = ts.isIdentifier(value) && fn ? sourcesOf(value.text, fn) : [];
    if ([value, ...local].some(mintsPerCall)) return prop;
  }
  return undefined;
}

function mintsPerCall(node: ts.Node): boolean {
  return [node, ...findNodes(node, ts.isCallExpression)].some((n) => ts.isCallExpression(n) && FRESH.test(methodName(n) ?? ''));
}

function confirmsNow(params: ts.Expression | undefined): boolean {
  return !!params && ts.isObjectLiteralExpression(params) && propertyOf(params, 'confirm')?.kind === ts.SyntaxKind.TrueKeyword;
}

/** Local names bound to `new Stripe(key)` (or a Mollie or Adyen client), whatever they are called (`client`, `payments`). */
function stripeClients(sf: ts.SourceFile): Map<string, 'stripe' | 'other'> {
  const clients = new Map<string, 'stripe' | 'other'>();
  for (const d of findNodes(sf, ts.isVariableDeclaration)) {
    const init = d.initializer;
    if (!init || !(ts.isNewExpression(init) || ts.isCallExpression(init))) continue;
    const callee = init.expression.getText();
    if (ts.isNewExpression(init) && /^Stripe$/i.test(callee)) clients.set(d.name.getText(), 'stripe');
    else if (OTHER_CLIENT.test(callee)) clients.set(d.name.getText(), 'other');
  }
  return clients;
}

/**
 * Whether the request options (any argument after the first: Stripe reads trailing option objects)
 * carry a key. Options it cannot read, built elsewhere or spread in, are given the benefit of the doubt.
 */
function hasIdempotencyKey(call: ts.CallExpression, keyInParams = false): boolean {
  // Mollie reads the key from the parameters themselves; Adyen and Stripe from trailing options.
  if (keyInParams) {
    const params = call.arguments[0];
    if (params && ts.isObjectLiteralExpression(params) && params.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && IDEMPOTENCY_KEYS.has(p.name.getText().replace(/['"]/g, ''))))) return true;
    if (params && !ts.isObjectLiteralExpression(params) && call.arguments.length === 1) return true;
  }
  return call.arguments.slice(1).some((arg) => {
    if (!ts.isObjectLiteralExpression(arg)) return true;
    return arg.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && IDEMPOTENCY_KEYS.has(p.name.getText().replace(/['"]/g, ''))));
  });
}
