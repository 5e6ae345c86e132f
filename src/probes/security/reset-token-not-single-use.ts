import { calleeName, enclosingFunction, lineOf, propertyOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const FIND = /^(?:findOne|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|findOneBy|findOneByOrFail|findBy|findAll)$/;
/** Where-keys that hold a password-reset (or account-recovery) token or its hash. */
const TOKEN_KEY = /^(?:(?:password_?)?reset_?(?:token|hash|code)\w*|token_?hash|hashed_?token|token|recovery_?token\w*|code_?hash)$/i;
/** Deleting the token row, marking it used, or clearing the token field on the user. */
const INVALIDATES = /\.(?:delete|deleteOne|deleteMany|destroy|remove|findOneAndDelete|findByIdAndDelete)\(|\b(?:used|consumed|redeemed)_?(?:at|on)?\b\s*[:=]|\$unset|\b(?:reset_?token|token_?hash|reset_?hash|reset_?code)\w*\s*[:=]\s*(?:null|undefined|''|"")/i;

export default defineProbe({
  meta: {
    id: 'reset-token-not-single-use',
    title: 'Password-reset token stays valid after use or never expires',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-640',
    confidence: 'medium',
    description: 'A password-reset handler finds the account by its reset token and sets a new password, but never deletes or marks the token used, or never checks its expiry.',
    impact: 'A reset link leaked through browser history, a proxy log, a forwarded email or a Referer header keeps working: whoever holds it can take the account over again later.',
    remediation: 'Check the expiry in the lookup, and in the same transaction as the password change delete the token (or set `usedAt` and require it to be null); also end the user’s other sessions.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts([/reset/i]).length > 0,
  detect(ctx) {
    return ctx.scripts([/reset/i]).filter((file) => !ctx.isFrontEnd(file)).flatMap((file): Hit[] =>
      ctx.calls(file).flatMap((call): Hit[] => {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || !FIND.test(callee.name.text)) return [];
        const first = call.arguments[0];
        const where = first && ts.isObjectLiteralExpression(first) ? (propertyOf(first, 'where') ?? first) : undefined;
        if (!where || !ts.isObjectLiteralExpression(where)) return [];
        const keys = where.properties.map((p) => p.name?.getText() ?? '');
        const tokenKey = keys.find((k) => TOKEN_KEY.test(k));
        // A bare `token` key only counts on a reset or recovery model.
        if (!tokenKey || (!/reset|recover/i.test(tokenKey) && !/reset|recover/i.test(callee.expression.getText()))) return [];
        const fn = enclosingFunction(call);
        const after = fn?.body ? fn.body.getText().slice(call.getEnd() - fn.body.getStart()) : '';
        if (!/password/i.test(after)) return [];
        const expires = keys.some((k) => /expir|valid_?until/i.test(k)) || /expir|valid_?until/i.test(after.split(/password/i)[0] ?? '');
        const invalidated = INVALIDATES.test(after);
        if (expires && invalidated) return [];
        const why = [invalidated ? '' : 'never deleted or marked used', expires ? '' : 'never checked for expiry'].filter(Boolean).join(' and ');
        const message = `${calleeName(call)}() finds the account by its reset token, which is ${why} once the password changes.`;
        return [{ file, line: lineOf(call), endLine: passwordWriteLine(call, after), message }];
      }),
    );
  },
});

/** `passwordHash: …` in an update/patch, or `user.password = …`: the write that leaves the token usable, after the lookup. */
const PASSWORD_WRITE = /\b\w*password\w*['"]?\s*(?::|=(?!=))/i;

/** The evidence runs from the token lookup to the line that sets the new password, where the token should also be cleared. */
function passwordWriteLine(lookup: ts.CallExpression, after: string): number {
  const at = PASSWORD_WRITE.exec(after);
  const sf = lookup.getSourceFile();
  return at ? sf.getLineAndCharacterOfPosition(lookup.getEnd() + at.index).line + 1 : lineOf(lookup);
}
