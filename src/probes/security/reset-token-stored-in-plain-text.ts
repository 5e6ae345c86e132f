import { enclosingFunction, lineOf, methodName, ts } from '../support/ast.js';
import { sourcesOf } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

/** Fields that hold a password-reset or account-recovery secret itself, not its hash. */
const RESET_FIELD = /^(?:password_?)?(?:reset|recovery)_?(?:token|code|secret)$/i;
/** ORM writes: Sequelize/Mongoose/Objection/Prisma/TypeORM/Knex. */
const WRITES = new Set(['update', 'updateOne', 'updateMany', 'patch', 'patchAndFetchById', 'updateAndFetchById', 'create', 'insert', 'save', 'set', 'upsert', 'findByIdAndUpdate', 'findOneAndUpdate', 'build']);
/** A digest or KDF on the way to the column: the database then holds only the hash. */
const HASHED = /hash|digest|hmac|bcrypt|argon|scrypt|pbkdf2|encrypt/i;

export default defineProbe({
  meta: {
    id: 'reset-token-stored-in-plain-text',
    title: 'Password-reset token stored in plain text',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-640',
    confidence: 'medium',
    description: 'A password-reset (or recovery) token is written to the user record as generated, the same value that is sent to the user, instead of a hash of it.',
    impact: 'Anyone who can read the table (a leaked backup, a read-only SQL injection, a support tool) can reset any account with a pending token and take it over.',
    remediation: 'Store only a SHA-256 hash of the token, send the raw token to the user, and hash the submitted token before the lookup.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts([/reset|recovery/i])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file) => {
        const hits: Hit[] = [];
        const visit = (node: ts.Node): void => {
          const written = storedResetValue(node);
          if (written && isRawSecret(written)) hits.push({ file, line: lineOf(node), message: `${fieldName(node)} is stored as generated; a copy of the table is enough to reset the account.` });
          ts.forEachChild(node, visit);
        };
        visit(ctx.ast(file));
        return hits;
      });
  },
});

/** The value given to a reset-token field in an ORM write (`update({ resetToken: v })`) or an assignment (`user.resetToken = v`). */
function storedResetValue(node: ts.Node): ts.Expression | undefined {
  if (ts.isPropertyAssignment(node) && RESET_FIELD.test(node.name.getText().replace(/['"]/g, '')) && insideWrite(node)) return node.initializer;
  if (ts.isShorthandPropertyAssignment(node) && RESET_FIELD.test(node.name.text) && insideWrite(node)) return node.name;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && RESET_FIELD.test(node.left.name.text)) return node.right;
  return undefined;
}

function fieldName(node: ts.Node): string {
  if (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) return node.name.getText().replace(/['"]/g, '');
  return ts.isBinaryExpression(node) && ts.isPropertyAccessExpression(node.left) ? node.left.name.text : 'The reset token';
}

/** The object sits (through nested objects like Prisma's `data:` or Mongoose's `$set:`) in the arguments of a write call, not a `where`. */
function insideWrite(property: ts.ObjectLiteralElement): boolean {
  let node: ts.Node = property.parent;
  while (ts.isObjectLiteralExpression(node) && ts.isPropertyAssignment(node.parent)) {
    if (/^(?:where|filter)$/.test(node.parent.name.getText())) return false;
    node = node.parent.parent;
  }
  if (!ts.isObjectLiteralExpression(node) || !ts.isCallExpression(node.parent)) return false;
  const call = node.parent;
  // Mongoose `updateOne(filter, update)`: the first argument is the filter; Sequelize's `update(values, { where })` is not.
  const second = call.arguments[1];
  const sequelizeStyle = second !== undefined && ts.isObjectLiteralExpression(second) && second.properties.some((p) => p.name?.getText() === 'where');
  if (second !== undefined && call.arguments[0] === node && !sequelizeStyle && /^(?:updateOne|updateMany|findOneAndUpdate|update)$/.test(methodName(call) ?? '')) return false;
  return WRITES.has(methodName(call) ?? '');
}

/** A generated value that went in unhashed: a random call, or a local whose every assignment is one. */
function isRawSecret(value: ts.Expression, depth = 0): boolean {
  if (depth > 3 || HASHED.test(value.getText())) return false;
  if (ts.isIdentifier(value)) {
    const fn = enclosingFunction(value);
    const sources = fn ? sourcesOf(value.text, fn) : [];
    return sources.length > 0 && sources.every((source) => ts.isExpression(source) && isRawSecret(source, depth + 1));
  }
  if (ts.isAwaitExpression(value) || ts.isParenthesizedExpression(value)) return isRawSecret(value.expression, depth + 1);
  return /\b(?:randomBytes|randomUUID|randomInt|random|nanoid|uuid\w*|v4|cuid|createId|generate\w*)\b/i.test(value.getText());
}
