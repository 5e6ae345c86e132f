import { defineProbe, type Hit } from '../types.js';

/** A line comment that is a statement: a middleware mount, a guard decorator, a hook or a check call, with its parenthesis. */
const CODE_COMMENT = /^\s*\/\/\s*(?:await\s+)?((?:@\w+|[\w$.]+\.(?:use|register|addHook|useGlobalGuards|all|get|post|put|patch|delete)|[\w$]+)\s*\(.*\)\s*[;,]?)\s*$/;
/** What the commented-out code would have enforced. */
const SECURITY = /\b\w*(?:auth|Auth|requireAdmin|requireRole|requireUser|isAdmin|Guard|guard|csrf|Csrf|rateLimit|RateLimit|limiter|Limiter|helmet|verify(?:Token|Signature|Webhook)|permission|Permission|authorize|Authorize|Roles)\w*\b/;

export default defineProbe({
  meta: {
    id: 'commented-out-security-check',
    title: 'Security check commented out',
    category: 'Code Quality',
    severity: 'HIGH',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-1188',
    confidence: 'medium',
    description: 'A line of code that enforces authentication, authorisation, CSRF, rate limiting or a signature check (`// router.use(requireAdmin)`, `// @UseGuards(AdminGuard)`) is commented out.',
    impact: 'The check was switched off, usually to debug or demo, and shipped that way: every route it protected is open, and the code still reads as if it were protected.',
    remediation: 'Restore the line, or delete it and protect the routes another way; if it must stay off, say why in a comment and track it as a known risk.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['//']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts([/\/\/\s*(?:await\s+)?[@\w$.]+\s*\(/])) {
      file.text.split('\n').forEach((line, index) => {
        const code = CODE_COMMENT.exec(line)?.[1];
        if (!code || !SECURITY.test(code) || /^(?:TODO|FIXME|NOTE|e\.g|eg|i\.e|see|example)\b/i.test(code)) return;
        hits.push({ file, line: index + 1, message: `\`${code.slice(0, 60)}\` is commented out: what it enforced is off.` });
      });
    }
    return hits;
  },
});
