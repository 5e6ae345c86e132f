import { enclosingFunction, lineOf, propertyOf, ts } from '../support/ast.js';
import { modelOf } from '../support/models.js';
import { handlesRequest } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

const FIND = /^(?:findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|findById|findOne|find|findAll|findByPk|findOneBy|findBy|findAndCount)$/;
const ACCOUNT_MODEL = /^(?:users?|accounts?|members?|customers?|profiles?|admins?)$/i;
/** Fields nobody but the server should see. */
const SECRET_FIELD = /password|passwd|hash|salt|reset_?token|verification_?token|otp|totp|mfa_?secret|two_?factor|api_?key|secret|refresh_?token|sessions?$/i;
/** Sinks that serialise a value into the response body. */
const SENDS = /^(?:res\.(?:json|send|jsonp)|res\.status\(\)\.(?:json|send)|reply\.send|reply\.code\(\)\.send|reply\.status\(\)\.send|NextResponse\.json|Response\.json|ctx\.body)$/;

export default defineProbe({
  meta: {
    id: 'user-record-exposed-in-response',
    title: 'Whole user record, password hash included, sent to the client',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-200',
    confidence: 'medium',
    description: 'A handler loads user records with no field selection and returns them as they are, although the model stores password hashes, reset tokens or other secrets.',
    impact: 'Password hashes and reset tokens reach the browser (and anyone who can call the endpoint): offline cracking, account takeover with a still-valid reset token.',
    remediation: 'Select only the public fields (`select: { id: true, email: true }`, `.select(\'-password\')`, a DTO or serializer), or mark secret fields `select: false` / `@Exclude()` on the model.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx.scripts([/[Uu]ser|[Aa]ccount|[Mm]ember|[Cc]ustomer|[Pp]rofile/]).filter((file) => !ctx.isFrontEnd(file)).flatMap((file): Hit[] =>
      ctx.calls(file).flatMap((call): Hit[] => {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || !FIND.test(callee.name.text)) return [];
        const model = modelOf(ctx, callee.expression);
        if (!model || !ACCOUNT_MODEL.test(model.name) || selectsFields(call, callee.name.text)) return [];
        // Mongoose `select: false` and a toJSON transform already keep secrets out.
        const secrets = model.fields.filter((f) => SECRET_FIELD.test(f) && !new RegExp(`\\b${f}\\s*:\\s*\\{[^}]*select\\s*:\\s*false`).test(model.file.text));
        if (secrets.length === 0 || /toJSON|toObject/.test(model.file.text) || !sentAsIs(call)) return [];
        return [{ file, line: lineOf(call), message: `The ${model.name} records go to the client whole, with ${secrets.slice(0, 3).join(', ')}.` }];
      }),
    );
  },
});

/** Prisma `select`/`omit`, a Mongoose projection or `.select()`, a TypeORM `select` option. */
function selectsFields(call: ts.CallExpression, method: string): boolean {
  const [first, second] = call.arguments;
  if (first && ts.isObjectLiteralExpression(first) && (propertyOf(first, 'select') || propertyOf(first, 'omit') || propertyOf(first, 'attributes'))) return true;
  if (second && /^(?:findById|findOne|find)$/.test(method)) return true;
  for (let up: ts.Node = call; ts.isPropertyAccessExpression(up.parent) && ts.isCallExpression(up.parent.parent); up = up.parent.parent) {
    if (/^(?:select|projection)$/.test(up.parent.name.text)) return true;
  }
  return false;
}

/** The query's result (possibly through a local) is what the handler returns or sends. */
function sentAsIs(call: ts.CallExpression): boolean {
  let expr: ts.Node = call;
  while (ts.isAwaitExpression(expr.parent) || ts.isParenthesizedExpression(expr.parent) || (ts.isPropertyAccessExpression(expr.parent) && ts.isCallExpression(expr.parent.parent) && /^(?:lean|exec|sort|limit|skip)$/.test(expr.parent.name.text))) {
    expr = ts.isPropertyAccessExpression(expr.parent) ? expr.parent.parent : expr.parent;
  }
  const fn = enclosingFunction(call);
  if (!fn || !handlesRequest(fn)) return false;
  const isSink = (node: ts.Node): boolean => ts.isReturnStatement(node) || (ts.isCallExpression(node) && SENDS.test(sinkName(node)));
  if (isSink(expr.parent)) return true;
  const decl = expr.parent;
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return false;
  const name = decl.name.text;
  return ts.forEachChild(fn.body ?? fn, function visit(node): boolean | undefined {
    if (ts.isIdentifier(node) && node.text === name && node !== decl.name && isSink(node.parent)) return true;
    return ts.forEachChild(node, visit);
  }) === true;
}

function sinkName(call: ts.CallExpression): string {
  return call.expression.getText().replace(/\([^)]*\)/g, '()').replace(/\s+/g, '');
}
