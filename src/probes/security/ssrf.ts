import { calleeName, findNodes, lineOf, propertyOf, ts } from '../support/ast.js';
import { decidesDestination, guardedBefore, jobFlow, requestFlow } from '../support/request-flow.js';
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
    description: 'Request data (or a queue job’s payload) decides the whole URL or the host of an outbound `fetch`, axios, got, undici or `http.request` call, with no allow-list check in the handler.',
    impact: 'Attackers make the server call internal services and cloud metadata endpoints (169.254.169.254) with its network position, reading credentials or reaching admin APIs.',
    remediation: 'Keep the scheme and host fixed and put only encoded path or query values from the request into the URL; when the host must vary, check it against an allow-list and block private and link-local addresses after DNS resolution.',
    effort: 'hours',
  },
  scope: 'file',
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
          const flow = requestFlow(call, PASS, (field) => !/^(?:headers|url|nexturl|req)$/.test(field)) ?? jobFlow(call, PASS);
          if (!flow || guardedBefore(flow, call, GUARD) || !urlsOf(call.arguments[0]).some((url) => decidesDestination(url, flow, OPEN_AUTHORITY))) return [];
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

