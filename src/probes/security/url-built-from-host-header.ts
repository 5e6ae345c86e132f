import { calleeName, lineOf, ts } from '../support/ast.js';
import { pieces } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

/** Reads of the headers that name the site the client says it reached. */
const HOST_HEADER = /^(?:(?:req|request|ctx|context|c\.req)(?:\.headers(?:\.get\(['"](?:host|origin|x-forwarded-host)['"]\)|\[['"](?:host|origin|x-forwarded-host)['"]\]|\.(?:host|origin))|\.(?:get|header)\(['"](?:host|origin|x-forwarded-host)['"]\)|\.(?:hostname|host|origin))|headers\(\)\.get\(['"](?:host|origin|x-forwarded-host)['"]\))(?:\?\?['"][^'"]*['"])?$/i;
const PROTOCOL = /^(?:(?:req|request|ctx)\.protocol|https?:\/\/|['"]https?:\/\/['"])$/;
/** Where a built URL ends up in front of a user or a payment provider. */
const URL_KEY = /url|uri|link|href|redirect|callback|return_?to|continue/i;
const SENDS = /redirect|mail|email|send|notify|invite/i;

export default defineProbe({
  meta: {
    id: 'url-built-from-host-header',
    title: 'Absolute URL built from the Host or Origin header',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-601',
    confidence: 'medium',
    description: 'A link, redirect or provider callback URL (password-reset link, Stripe success_url, OAuth redirect) starts with the request’s Host, Origin or X-Forwarded-Host header.',
    impact: 'An attacker who sends the request with their own host gets users (or the payment provider) sent to a site they control: password-reset tokens and checkout sessions leak there.',
    remediation: 'Build absolute URLs from a configured base URL (`process.env.APP_URL`), or check the header against an allow-list of your own hosts first.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx.scripts([/host|origin|referer/i]).filter((file) => !ctx.isFrontEnd(file)).flatMap((file): Hit[] =>
      [...ctx.nodesOf<ts.TemplateExpression>(file, ts.SyntaxKind.TemplateExpression), ...ctx.nodesOf<ts.BinaryExpression>(file, ts.SyntaxKind.BinaryExpression)].flatMap((node): Hit[] => {
        const parts = pieces(node);
        if (!parts || (ts.isBinaryExpression(node.parent) && node.parent.operatorToken.kind === ts.SyntaxKind.PlusToken)) return [];
        const lead = parts.filter((p) => p !== '');
        const at = lead.findIndex((p) => typeof p !== 'string' && HOST_HEADER.test(p.getText().replace(/\s+/g, '')));
        const before = lead.slice(0, at).map((p) => (typeof p === 'string' ? p : p.getText())).join('');
        if (at < 0 || !(before === '' || PROTOCOL.test(before.replace(/:\/\/$/, '')) || /^https?:\/\/$/.test(before)) || !reachesUser(node)) return [];
        return [{ file, line: lineOf(node), message: `This URL starts with the host the client sent (${(lead[at] as ts.Expression).getText()}), so an attacker decides where it points.` }];
      }),
    );
  },
});

/** Used as a `*_url`/`link` property, a redirect, an email body, or kept in a variable named like a URL. */
function reachesUser(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isPropertyAssignment(parent)) return URL_KEY.test(parent.name.getText());
  if (ts.isVariableDeclaration(parent)) return URL_KEY.test(parent.name.getText());
  if (ts.isCallExpression(parent)) return SENDS.test(calleeName(parent));
  return false;
}
