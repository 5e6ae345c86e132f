import type { ProbeContext } from '../context.js';
import { AUTH_WORDS } from '../support/auth.js';
import { findNodes, isFunctionLike, lineOf, stringValue, ts } from '../support/ast.js';
import { mountedPaths, type Route } from '../support/routes.js';
import { defineProbe } from '../types.js';

const WEBHOOK_PATH = /(?:^|\/)(?:[\w-]*webhooks?[\w-]*|hooks)(?:\/|$)/i;
/** Stripe constructEvent, Svix/Clerk `wh.verify`, Twilio validateRequest, GitHub/Shopify HMAC, Octokit verify... */
const VERIFIES = /signature|constructEvent|createHmac|timingSafeEqual|svix|validateRequest|verify|hmac/i;
/** A shared secret in a header or query string, compared with configuration: weaker than a signature, but a check. */
const SHARED_SECRET = /[!=]==?\s*(?:process\.env|env|config|settings)\.\w*(?:secret|token|key)|(?:process\.env|env|config|settings)\.\w*(?:secret|token|key)\w*\s*[!=]==?|authorization|x-api-key/i;
const READS_BODY = /\.(?:body|rawBody)\b|\.(?:json|text|arrayBuffer|formData|blob)\(\s*\)|@(?:Body|RawBody)\(|getRawBody|\bbuffer\(\s*req\b/;

export default defineProbe({
  meta: {
    id: 'webhook-without-signature-check',
    title: 'Webhook accepted without a signature check',
    category: 'Security',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-345',
    confidence: 'medium',
    description: 'A webhook endpoint acts on the request body without verifying the sender’s signature (Stripe constructEvent, Svix, HMAC with timingSafeEqual...).',
    impact: 'Anyone who finds the URL can post forged events: mark orders paid, grant subscriptions, create or delete accounts.',
    remediation: 'Verify the provider’s signature over the raw body before parsing (e.g. `stripe.webhooks.constructEvent(rawBody, sig, secret)`), and reject the request when it fails.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().some((route) => isWebhook(ctx, route)),
  detect(ctx) {
    // A verifier mounted on the webhook router anywhere (`app.use('/webhooks', verifySignature, router)`) covers its routes.
    if (ctx.middleware().some((m) => /webhook/i.test(m.text) && verifies(m.text))) return [];
    return ctx.routes().flatMap((route) => {
      if (!isWebhook(ctx, route) || (route.method !== 'POST' && route.method !== 'ALL')) return [];
      // An authenticated `POST /webhooks` registers an outgoing webhook; it does not receive one.
      if (route.guards.some((guard) => AUTH_WORDS.test(guard) || VERIFIES.test(guard))) return [];
      if (ctx.middleware().some((m) => m.file === route.file && m.line < route.line && m.receiver === route.receiver && verifies(m.text))) return [];
      const handler = route.handler ?? namedHandler(ctx, route);
      if (!handler) return [];
      const text = [handler.getText(), ...localCallees(handler).map((fn) => fn.getText())].join('\n');
      if (!READS_BODY.test(text) || VERIFIES.test(text) || SHARED_SECRET.test(text) || /\b(?:req|request)\.user\b|getServerSession|\bauth\(\)/.test(text)) return [];
      return [{ file: route.file, line: route.line, message: `${route.method} ${route.path} acts on the webhook body without verifying its signature.` }];
    });
  },
});

/** body-parser's `verify:` option only keeps the raw body for a later check; it checks nothing. */
function verifies(middlewareText: string): boolean {
  return VERIFIES.test(middlewareText.replace(/\bverify\s*:/g, ''));
}

function isWebhook(ctx: ProbeContext, route: Route): boolean {
  const handlerName = route.handler && 'name' in route.handler ? route.handler.name?.getText() ?? '' : '';
  return mountedPaths(route, ctx.middleware()).some((path) => WEBHOOK_PATH.test(path)) || /webhook/i.test(handlerName);
}

/** `router.post('/webhooks/x', express.raw(...), handleX)` where `handleX` is declared in the same file. */
function namedHandler(ctx: ProbeContext, route: Route): ts.FunctionLikeDeclaration | undefined {
  const sf = ctx.ast(route.file);
  const call = findNodes(sf, ts.isCallExpression).find((c) => lineOf(c) === route.line && c.arguments.some((a) => stringValue(a) === route.path));
  const last = call?.arguments.at(-1);
  return last && ts.isIdentifier(last) ? functionNamed(sf, last.text) : undefined;
}

function functionNamed(sf: ts.SourceFile, name: string): ts.FunctionLikeDeclaration | undefined {
  for (const node of findNodes(sf, (n): n is ts.FunctionDeclaration | ts.VariableDeclaration => ts.isFunctionDeclaration(n) || ts.isVariableDeclaration(n))) {
    if (node.name?.getText() !== name) continue;
    if (ts.isFunctionDeclaration(node)) return node;
    if (node.initializer && isFunctionLike(node.initializer)) return node.initializer;
  }
  return undefined;
}

/** Functions of the same file the handler calls by name: a `verifyGithubSignature(req)` helper lives there. */
function localCallees(handler: ts.FunctionLikeDeclaration): ts.FunctionLikeDeclaration[] {
  const sf = handler.getSourceFile();
  return findNodes(handler, ts.isCallExpression)
    .filter((call) => ts.isIdentifier(call.expression))
    .map((call) => functionNamed(sf, (call.expression as ts.Identifier).text))
    .filter((fn): fn is ts.FunctionLikeDeclaration => fn !== undefined && fn !== handler);
}
