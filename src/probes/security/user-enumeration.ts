import { findNodes, lineOf, stringValue, ts } from '../support/ast.js';
import { mountedPaths } from '../support/routes.js';
import { defineProbe, type Hit } from '../types.js';

/** Routes where the answer must not depend on whether the account exists. Sign-up is left out: it cannot hide that. */
const ACCOUNT_FLOW = /(?:^|\/)(?:login|log-in|signin|sign-in|forgot|forgot-password|reset|reset-password|recover|recovery|password|magic-link|magic|otp)(?:[/-]|$)/i;
const LOOKUP = /\.(?:findFirst|findUnique|findOne|findOneBy|findBy|findByEmail|findByUsername|getUserByEmail)\w*\(/;
const DISCLOSES = /no (?:such )?(?:account|user)|(?:account|user|email)[^'"`]{0,30}(?:not (?:found|registered|exist)|does(?:n't| not) exist|is not registered)|unknown (?:email|user|account)|not registered/i;

export default defineProbe({
  meta: {
    id: 'user-enumeration',
    title: 'Login or password reset reveals whether an account exists',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-204',
    confidence: 'medium',
    description: 'A login, forgot-password or reset handler answers differently (a 404, or a message such as “no account with that email”) when the account does not exist.',
    impact: 'Anyone can test a list of emails to learn who has an account: targeted phishing, credential stuffing aimed only at real accounts, and a privacy leak for sensitive services.',
    remediation: 'Answer the same way whether or not the account exists (“If that address has an account, we sent a link”), with the same status and a similar delay.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().some((route) => ACCOUNT_FLOW.test(route.path)),
  detect(ctx) {
    return ctx.routes().flatMap((route): Hit[] => {
      const body = route.handler?.body;
      if (!body || !ts.isBlock(body) || !mountedPaths(route, ctx.middleware()).some((p) => ACCOUNT_FLOW.test(p)) || /sign-?up|register/i.test(route.path) || !LOOKUP.test(body.getText())) return [];
      return findNodes(body, ts.isIfStatement).flatMap((stmt): Hit[] => {
        // `if (!user)`: the branch taken only when the lookup found nobody.
        if (!/^!\s*\w+$/.test(stmt.expression.getText().trim())) return [];
        const reply = findNodes(stmt.thenStatement, ts.isCallExpression).find((call) => revealing(call));
        return reply ? [{ file: route.file, line: lineOf(reply), message: `${route.method} ${route.path} tells the caller that no account exists for what they sent.` }] : [];
      });
    });
  },
});

/** A 404 status, or a reply whose text says the account is unknown. */
function revealing(call: ts.CallExpression): boolean {
  const text = call.getText();
  if (/\.(?:status|code)\(\s*404\s*\)/.test(text) || /status\s*:\s*404/.test(text)) return true;
  return findNodes(call, (n): n is ts.StringLiteral => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)).some((s) => DISCLOSES.test(stringValue(s) ?? ''));
}
