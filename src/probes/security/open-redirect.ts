import { calleeName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { requestFlow, sourcesOf, type Flow } from '../support/request-flow.js';
import { defineProbe } from '../types.js';

/** `res.redirect`, `reply.redirect`, Koa `ctx.redirect`, `NextResponse.redirect`, Remix/Next/SvelteKit `redirect()`. */
const REDIRECT = /^(?:(?:res|resp|response|reply|ctx|h|NextResponse|Response)\.redirect|redirect)$/;
const SET_HEADER = /^(?:res|resp|response|reply)\.(?:setHeader|set|header)$/;
const PASS = /^(?:String|decodeURIComponent|decodeURI)$|\.(?:toString|trim)$/;
/** A URL prefix that leaves the target open: '', '/' (then `//evil.com`), 'https://', 'https://app.'. */
const OPEN_TARGET = /^(?:(?:[a-z][\w+.-]*:)?(?:\/\/[^/?#]*)?|\/)$/i;
/** Checks that keep the target relative or on a known host. */
const GUARD = /^(?:includes|has|startsWith|endsWith|test|match|some)$|safe|valid|allow|whitelist|trust|relative|local|sanitiz/i;

export default defineProbe({
  meta: {
    id: 'open-redirect',
    title: 'Redirect to a URL taken from the request',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-601',
    confidence: 'medium',
    description: 'A redirect (`res.redirect`, `reply.redirect`, `NextResponse.redirect`, a Location header) goes to a URL taken from the request with no check that it is a relative path or an allowed host.',
    impact: 'Phishing links on the real domain send users to an attacker’s site after login, and OAuth flows can leak codes or tokens to it.',
    remediation: 'Accept only relative paths (starting with a single `/`, not `//` or `/\\`) or compare the parsed URL’s origin with an allow-list, and fall back to a fixed page.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts(['redirect', 'Location', 'location'])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file) =>
        findNodes(ctx.ast(file), ts.isCallExpression).flatMap((call) => {
          const targets = targetsOf(call);
          if (targets.length === 0) return [];
          // The victim's own headers and cookies, and the request's own URL, are not the attacker's to choose.
          const flow = requestFlow(call, PASS, (field) => !/^(?:headers|cookies|url|nexturl|req)$/.test(field));
          if (!flow || guarded(flow, call) || !targets.some((target) => controlsTarget(target, flow))) return [];
          return [{ file, line: lineOf(call), message: `${calleeName(call)}() sends the user to a URL taken from the request, so a link on this site can forward to any other site.` }];
        }),
      );
  },
});

function targetsOf(call: ts.CallExpression): ts.Expression[] {
  const name = calleeName(call);
  const [first, second] = call.arguments;
  if (REDIRECT.test(name)) return call.arguments.filter((arg) => !ts.isNumericLiteral(arg));
  if (SET_HEADER.test(name) && /^location$/i.test(stringValue(first) ?? '') && second) return [second];
  const headers = /^(?:res|resp|response)\.writeHead$/.test(name) ? call.arguments.find(ts.isObjectLiteralExpression) : undefined;
  const location = headers && (propertyOf(headers, 'Location') ?? propertyOf(headers, 'location'));
  return location ? [location] : [];
}

/** Whether request data decides where the redirect goes, not only a path under this site or a fixed host. */
function controlsTarget(node: ts.Node, flow: Flow, depth = 0): boolean {
  if (depth > 8) return false;
  if (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return controlsTarget(node.expression, flow, depth + 1);
  if (ts.isPropertyAccessExpression(node) && /^(?:href|origin)$/.test(node.name.text)) return controlsTarget(node.expression, flow, depth + 1);
  if (ts.isIdentifier(node)) {
    const from = sourcesOf(node.text, flow.fn);
    return from.length > 0 ? from.some((source) => controlsTarget(source, flow, depth + 1)) : flow.carries(node);
  }
  // `new URL(next, request.url)`: an absolute `next` replaces the base.
  if (ts.isNewExpression(node) && calleeName(node) === 'URL') {
    const [input, base] = node.arguments ?? [];
    return !!input && (controlsTarget(input, flow, depth + 1) || (!!base && !/^[a-z][\w+.-]*:/i.test(stringValue(input) ?? '') && flow.carries(base)));
  }
  const parts = pieces(node);
  if (!parts) return flow.carries(node);
  const at = parts.findIndex((part) => typeof part !== 'string' && flow.carries(part));
  return at >= 0 && OPEN_TARGET.test(parts.slice(0, at).map((part) => (typeof part === 'string' ? part : '\0')).join(''));
}

/** A template or `+` chain as literal text and expressions, left to right; undefined for anything else. */
function pieces(node: ts.Node): (string | ts.Expression)[] | undefined {
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.flatMap((span) => [span.expression, span.literal.text])];
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.PlusToken) return undefined;
  const side = (n: ts.Expression) => pieces(n) ?? [stringValue(n) ?? n];
  return [...side(node.left), ...side(node.right)];
}

/** A check on the request data before the redirect: `next.startsWith('/')`, `ALLOWED.has(url.host)`, `isSafeRedirect(next)`. */
function guarded(flow: Flow, sink: ts.Node): boolean {
  return findNodes(flow.fn, (n): n is ts.CallExpression | ts.BinaryExpression => ts.isCallExpression(n) || ts.isBinaryExpression(n)).some((n) =>
    n !== sink && n.end <= sink.end && (ts.isCallExpression(n) ? GUARD.test(calleeName(n).split('.').pop()!) : /[!=]==?/.test(n.operatorToken.getText()) && /\.(?:host|hostname|origin)\b/.test(n.getText())) && flow.scope.mentions(n),
  );
}
