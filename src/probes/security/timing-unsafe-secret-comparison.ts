import { calleeName, enclosingFunction, lineOf, stringValue, ts } from '../support/ast.js';
import { sourcesOf } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

/** Names of values that must stay secret: keys, tokens, signatures, digests. */
const SECRET = /secret|token|api_?key|apikey|internal_?key|password|passwd|signature|signed|hmac|digest|expected/i;
/** Names that only describe a secret: its presence, length, kind or header name. */
const NOT_SECRET = /length|size|type|name|header|count|expir|ttl|prefix|id$/i;
/** Header, query and body reads in Express, Fastify, Koa, Hono and the Fetch API. */
const REQUEST_READ = /\b(?:req|request|ctx|context|c\.req|event)\.(?:headers|query|body|params|cookies|get\(|header\(|request\.(?:headers|body|query))|\.headers\.get\(|searchParams\.get\(/;

export default defineProbe({
  meta: {
    id: 'timing-unsafe-secret-comparison',
    title: 'Secret compared with a timing-unsafe operator',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-208',
    confidence: 'medium',
    description: 'A value from the request is compared with an API key, shared secret or computed HMAC signature using `===`/`!==` instead of a constant-time comparison.',
    impact: 'String comparison stops at the first differing byte, so an attacker who can time many requests recovers the secret or forges a valid signature byte by byte.',
    remediation: 'Compare fixed-length digests with `crypto.timingSafeEqual` (after checking both buffers have the same length), or compare HMACs of both values.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx.scripts(['==']).filter((file) => !ctx.isFrontEnd(file)).flatMap((file): Hit[] =>
      ctx.nodesOf<ts.BinaryExpression>(file, ts.SyntaxKind.BinaryExpression).flatMap((node): Hit[] => {
        const op = node.operatorToken.kind;
        if (op !== ts.SyntaxKind.EqualsEqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsEqualsToken && op !== ts.SyntaxKind.EqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsToken) return [];
        const fn = enclosingFunction(node);
        if (!fn) return [];
        const [a, b] = [node.left, node.right];
        const secret = isSecret(a, fn) ? a : isSecret(b, fn) ? b : undefined;
        const other = secret === a ? b : a;
        if (!secret || !fromRequest(other, fn)) return [];
        return [{ file, line: lineOf(node), message: `\`${node.getText().slice(0, 80)}\` compares request data with a secret in non-constant time.` }];
      }),
    );
  },
});

function unwrap(node: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) ? unwrap(node.expression) : node;
}

/** `process.env.API_KEY`, `config.webhookSecret`, or a local computed by `createHmac(...).digest()`. */
function isSecret(raw: ts.Expression, fn: ts.Node): boolean {
  const node = unwrap(raw);
  if (stringValue(node) !== undefined || node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined')) return false;
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    const last = ts.isPropertyAccessExpression(node) ? node.name.text : (stringValue(node.argumentExpression) ?? '');
    return SECRET.test(last) && !NOT_SECRET.test(last) && !REQUEST_READ.test(node.getText());
  }
  if (!ts.isIdentifier(node)) return ts.isTemplateExpression(node) && node.templateSpans.some((s) => computedDigest(s.expression));
  const from = sourcesOf(node.text, fn);
  if (from.some((init) => computedDigest(init) || (ts.isTemplateExpression(init) && init.templateSpans.some((s) => computedDigest(s.expression))))) return true;
  return from.length === 0 && SECRET.test(node.text) && !NOT_SECRET.test(node.text) && /^[A-Z0-9_]+$/.test(node.text);
}

function computedDigest(node: ts.Node): boolean {
  return ts.isCallExpression(node) && /\.digest$/.test(calleeName(node)) && /createHmac|hmac/i.test(node.getText());
}

/** The other side reads the request, directly or through a local assigned from it. */
function fromRequest(raw: ts.Expression, fn: ts.Node, depth = 0): boolean {
  const node = unwrap(raw);
  if (REQUEST_READ.test(node.getText())) return true;
  if (!ts.isIdentifier(node) || depth > 3) return false;
  return sourcesOf(node.text, fn).some((init) => fromRequest(init as ts.Expression, fn, depth + 1));
}

