import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { findNodes, propertyOf, ts } from '../support/ast.js';
import { prismaModels } from '../support/prisma.js';
import { defineProbe, type Hit } from '../types.js';

/** Models holding a secret that grants access or proves identity for a while. */
const CREDENTIAL_MODEL = /(?:Token|Otp|OtpCode|OneTimeCode|OneTimePassword|VerificationCode|LoginCode|MagicLink|Invite|Invitation|PasswordReset)s?$|^(?:User|Auth|Login|Refresh|Admin|Web|Browser)?Sessions?$/i;
/** The secret itself or its hash: without one the model is not a credential (an ERC-20 `Token`, a `ChatSession`). */
const SECRET_FIELD = /^(?:token|code|secret|otp|sid|hash|\w+Token|tokenHash|codeHash|hashedToken|hashedCode|sessionId|selector|verifier)$/;
/** Push/device registrations and API keys live until revoked by design; webhook tokens identify endpoints. */
const LONG_LIVED = /Push|Device|Fcm|Apns|Api|PersonalAccess|Webhook|Integration|Oauth?Client/i;
const EXPIRY_FIELD = /expir|ttl|validUntil|valid_until|notAfter|not_after|lifetime|maxAge|max_age/i;

interface Model {
  readonly file: SourceFile;
  readonly line: number;
  readonly name: string;
  readonly fields: string[];
}

export default defineProbe({
  meta: {
    id: 'no-ttl-on-tokens',
    title: 'Token or session model without an expiry',
    category: 'Data Lifecycle',
    severity: 'LOW',
    phase: 4,
    agent: 'reliability-auditor',
    cwe: 'CWE-613',
    confidence: 'medium',
    description: 'A Prisma model for tokens, sessions, one-time codes, password resets or invites has no expiry field (expiresAt, expires, ttl, validUntil).',
    impact: 'Leaked reset links, invite links and sessions work forever, and the table grows without bound because nothing can tell which rows are dead.',
    remediation: 'Add an `expiresAt DateTime` column set at creation (minutes for codes and resets, days for invites and sessions), reject expired rows on use, and delete them on a schedule.',
    effort: 'hours',
  },
  applies: (ctx) => models(ctx).length > 0,
  detect(ctx) {
    return models(ctx)
      .filter((model) => model.fields.some((f) => SECRET_FIELD.test(f)) && !model.fields.some((field) => EXPIRY_FIELD.test(field)) && !(model.fields.includes('createdAt') && agedInCode(ctx, model.name)))
      .map((model): Hit => ({ file: model.file, line: model.line, message: `${model.name} has no expiry field: a ${model.name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} stays valid until someone deletes it.` }));
  },
});

function models(ctx: ProbeContext): Model[] {
  return prismaModels(ctx)
    .filter((model) => CREDENTIAL_MODEL.test(model.name) && !LONG_LIVED.test(model.name))
    .map((model) => ({ file: model.file, line: model.line, name: model.name, fields: model.fields.map((f) => f.name) }));
}

/**
 * Expiry enforced from the creation time instead of a column: a query on this model filters
 * `createdAt: { gt: ... }` or code compares `token.createdAt` with a cutoff.
 */
function agedInCode(ctx: ProbeContext, model: string): boolean {
  const accessor = `.${model.charAt(0).toLowerCase()}${model.slice(1)}.`;
  return ctx.scripts([accessor]).some((file) =>
    findNodes(ctx.ast(file), (n): n is ts.Node => ts.isPropertyAssignment(n) || ts.isBinaryExpression(n)).some((node) => {
      if (ts.isPropertyAssignment(node)) return node.name.getText() === 'createdAt' && ts.isObjectLiteralExpression(node.initializer) && (propertyOf(node.initializer, 'gt') ?? propertyOf(node.initializer, 'gte')) !== undefined;
      const comparison = [ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.MinusToken].includes((node as ts.BinaryExpression).operatorToken.kind);
      return comparison && findNodes(node, ts.isPropertyAccessExpression).some((p) => p.name.text === 'createdAt');
    }),
  );
}
