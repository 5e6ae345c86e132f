import { defineProbe, type Hit } from '../types.js';

/** A line comment that is a statement: a middleware mount, a guard decorator, a hook or a check call, with its parenthesis. */
const CODE_COMMENT = /^\s*\/\/\s*(?:await\s+)?((?:@\w+|[\w$.]+\.(?:use|register|addHook|useGlobalGuards|all|get|post|put|patch|delete)|[\w$]+)\s*\(.*\)\s*[;,]?)\s*$/;
/** What the commented-out code would have enforced. */
const SECURITY = /\b\w*(?:auth|Auth|requireAdmin|requireRole|requireUser|isAdmin|Guard|guard|csrf|Csrf|rateLimit|RateLimit|limiter|Limiter|helmet|verify(?:Token|Signature|Webhook)|permission|Permission|authorize|Authorize|Roles)\w*\b/;

/**
 * A commented-out guard clause that refused the request: `// if (order.status !== 'open') return res.status(409).json(…)`,
 * `// if (!user.isAdmin) throw new ForbiddenException()`. Its condition is the rule that is now off.
 */
const GUARD_COMMENT = /^\s*\/\/\s*(if\s*\(.+\)\s*\{?\s*(?:return\s+(?:res|reply|response|h\.response\(.*\))\s*\.(?:status|code)\(\s*4\d\d\s*\)|throw\s+(?:new\s+\w*(?:Forbidden|Unauthori[sz]ed|Conflict|BadRequest|NotFound)\w*|Boom\.\w+|createError\(\s*4\d\d)).*)$/;

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
    description: 'A line of code that enforces authentication, authorisation, CSRF, rate limiting or a signature check (`// router.use(requireAdmin)`, `// @UseGuards(AdminGuard)`), or a guard clause refusing the request (`// if (…) return res.status(409)…`), is commented out.',
    impact: 'The check was switched off, usually to debug or demo, and shipped that way: every route it protected is open, and the code still reads as if it were protected.',
    remediation: 'Restore the line, or delete it and protect the routes another way; if it must stay off, say why in a comment and track it as a known risk.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['//']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts([/\/\/\s*(?:await\s+)?[@\w$.]+\s*\(/, /\/\/\s*if\s*\(/])) {
      file.text.split('\n').forEach((line, index) => {
        const guard = GUARD_COMMENT.exec(line)?.[1];
        if (guard) {
          hits.push({ file, line: index + 1, message: `The guard \`${guard.slice(0, 60)}\` is commented out: the requests it refused now go through.` });
          return;
        }
        const code = CODE_COMMENT.exec(line)?.[1];
        if (!code || !SECURITY.test(code) || /^(?:TODO|FIXME|NOTE|e\.g|eg|i\.e|see|example)\b/i.test(code)) return;
        hits.push({ file, line: index + 1, message: `\`${code.slice(0, 60)}\` is commented out: what it enforced is off.` });
      });
    }
    return hits;
  },
});
