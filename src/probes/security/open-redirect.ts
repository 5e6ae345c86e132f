import { calleeName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { decidesDestination, guardedBefore, requestFlow } from '../support/request-flow.js';
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
  scope: 'file',
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
          if (!flow || guardedBefore(flow, call, GUARD) || !targets.some((target) => decidesDestination(target, flow, OPEN_TARGET))) return [];
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

