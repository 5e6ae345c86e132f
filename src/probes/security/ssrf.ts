import { calleeName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { requestFlow, sourcesOf, type Flow } from '../support/request-flow.js';
import { defineProbe } from '../types.js';

/** HTTP clients by callee: global/node-fetch/undici fetch, axios, got, Nest's HttpService, node's http(s). */
const CLIENT = /^(?:fetch|axios|got|undici\.(?:request|fetch|stream)|https?\.(?:get|request))$|^(?:axios|got|(?:this\.)?httpService)\.(?:get|post|put|patch|delete|head|options|request|stream)$/;
const PASS = /^(?:String|decodeURIComponent|decodeURI)$|\.(?:toString|trim|toLowerCase)$/;
/** A URL prefix that still leaves the scheme or host open: '', 'https://', 'https://api-'. */
const OPEN_AUTHORITY = /^(?:[a-z][\w+.-]*:)?(?:\/\/[^/?#]*)?$/i;
/** Allow-list checks and URL validators that decide where the call may go. */
const GUARD = /^(?:includes|has|startsWith|endsWith|test|match|some)$|allow|whitelist|safe|valid|trust|ssrf|public|private|internal/i;

export default defineProbe({
  meta: {
    id: 'ssrf',
    title: 'Server-side request to a URL taken from the request',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-918',
    confidence: 'medium',
    description: 'Request data decides the whole URL or the host of an outbound `fetch`, axios, got, undici or `http.request` call, with no allow-list check in the handler.',
    impact: 'Attackers make the server call internal services and cloud metadata endpoints (169.254.169.254) with its network position, reading credentials or reaching admin APIs.',
    remediation: 'Keep the scheme and host fixed and put only encoded path or query values from the request into the URL; when the host must vary, check it against an allow-list and block private and link-local addresses after DNS resolution.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts(['fetch', 'axios', 'got', 'undici', 'http'])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file) => {
        // A module-level `fetch` is a wrapper (with its own base URL), not the global one.
        const ownFetch = /\b(?:function|const|let|var)\s+fetch\b/.test(file.text);
        return findNodes(ctx.ast(file), ts.isCallExpression).flatMap((call) => {
          const name = calleeName(call);
          if (!CLIENT.test(name) || (name === 'fetch' && ownFetch) || !call.arguments[0]) return [];
          const flow = requestFlow(call, PASS, (field) => !/^(?:headers|url|nexturl|req)$/.test(field));
          if (!flow || guarded(flow, call) || !urlsOf(call.arguments[0]).some((url) => controlsHost(url, flow))) return [];
          return [{ file, line: lineOf(call), message: `Request data decides where ${name}() connects (scheme or host), so callers can aim it at internal addresses.` }];
        });
      });
  },
});

/** `fetch(url)`, `axios({ url })`, `http.request({ hostname })`, `got({ prefixUrl })`. */
function urlsOf(arg: ts.Expression): ts.Expression[] {
  if (!ts.isObjectLiteralExpression(arg)) return [arg];
  return ['url', 'baseURL', 'prefixUrl', 'origin', 'host', 'hostname'].map((key) => propertyOf(arg, key)).filter((v): v is ts.Expression => v !== undefined);
}

/** Whether request data decides the scheme or host of the URL `node` evaluates to, not only a path under a fixed base. */
function controlsHost(node: ts.Node, flow: Flow, depth = 0): boolean {
  if (depth > 8) return false;
  if (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return controlsHost(node.expression, flow, depth + 1);
  if (ts.isPropertyAccessExpression(node) && /^(?:href|origin)$/.test(node.name.text)) return controlsHost(node.expression, flow, depth + 1);
  if (ts.isIdentifier(node)) {
    const from = sourcesOf(node.text, flow.fn);
    return from.length > 0 ? from.some((source) => controlsHost(source, flow, depth + 1)) : flow.carries(node);
  }
  // `new URL(input, base)`: an absolute input replaces the base; a relative one keeps the base's host.
  if (ts.isNewExpression(node) && calleeName(node) === 'URL') {
    const [input, base] = node.arguments ?? [];
    return !!input && (controlsHost(input, flow, depth + 1) || (!!base && !/^[a-z][\w+.-]*:/i.test(stringValue(input) ?? '') && flow.carries(base)));
  }
  const parts = pieces(node);
  if (!parts) return flow.carries(node);
  const at = parts.findIndex((part) => typeof part !== 'string' && flow.carries(part));
  return at >= 0 && OPEN_AUTHORITY.test(parts.slice(0, at).map((part) => (typeof part === 'string' ? part : '\0')).join(''));
}

/** A template or `+` chain as literal text and expressions, left to right; undefined for anything else. */
function pieces(node: ts.Node): (string | ts.Expression)[] | undefined {
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.flatMap((span) => [span.expression, span.literal.text])];
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.PlusToken) return undefined;
  const side = (n: ts.Expression) => pieces(n) ?? [stringValue(n) ?? n];
  return [...side(node.left), ...side(node.right)];
}

/** A check on the request data before the call: an allow-list lookup, a host comparison, a URL validator. */
function guarded(flow: Flow, sink: ts.Node): boolean {
  return findNodes(flow.fn, (n): n is ts.CallExpression | ts.BinaryExpression => ts.isCallExpression(n) || ts.isBinaryExpression(n)).some((n) =>
    n !== sink && n.end <= sink.end && (ts.isCallExpression(n) ? GUARD.test(calleeName(n).split('.').pop()!) : /[!=]==?/.test(n.operatorToken.getText()) && /\.(?:host|hostname|origin)\b/.test(n.getText())) && flow.scope.mentions(n),
  );
}
