import { calleeName, findNodes, lineOf, propertyOf, stringValue, ts, nodesOfKinds } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Option names that carry the signing or encryption key of sessions, cookies and tokens. */
const SECRET_KEYS = ['secret', 'secretOrKey', 'secretOrPrivateKey', 'privateKey', 'keys', 'password'];
/** Calls whose options object holds that key: express-session, cookie-session, iron-session, NextAuth, Nest JwtModule and JwtService, passport-jwt. */
const OPTION_CALLS = /(?:^|\.)(?:session|Session|cookieSession|expressSession|register|sign|signAsync|verify|verifyAsync)$|^(?:super|JwtStrategy|Strategy|NextAuth|getIronSession|withIronSession\w*|sealData|unsealData)$/;
/** Plugins registered with `fastify.register(plugin, { secret })` that sign with it. */
const SIGNING_PLUGIN = /jwt|cookie|session/i;
const NEEDLES = ['secret', 'Secret', 'cookieParser', 'jsonwebtoken', 'keys', 'IronSession', 'sealData'];

export default defineProbe({
  meta: {
    id: 'hardcoded-session-secret',
    title: 'Session or token signing secret written in code',
    category: 'Security',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-798',
    confidence: 'high',
    description: 'A session, cookie or JWT signing secret (express-session, cookie-parser, jsonwebtoken sign/verify, @fastify/jwt, Nest JwtModule, passport-jwt) is a string literal or falls back to one.',
    impact: 'Anyone who reads the code can sign their own session cookies or tokens and log in as any user, including administrators.',
    remediation: 'Read the secret from the environment or a secret manager, fail at startup when it is missing, and rotate the leaked value (it invalidates existing sessions).',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(NEEDLES).length > 0,
  detect(ctx) {
    return ctx.scripts(NEEDLES).flatMap((file) => {
      const sf = ctx.ast(file);
      const hits: Hit[] = [];
      for (const call of nodesOfKinds<ts.CallExpression | ts.NewExpression>(sf, [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression])) {
        for (const value of secretArguments(call)) {
          // Reported where the literal is written (a shared `const SECRET = '…'` is one finding, at the line to fix).
          const expr = resolveConst(value, sf);
          const verdict = judge(expr, sf);
          if (verdict) hits.push({ file, line: lineOf(expr), ...verdict });
        }
      }
      return hits;
    });
  },
});

/** The expressions a call uses as its signing secret. */
function secretArguments(call: ts.CallExpression | ts.NewExpression): ts.Expression[] {
  const name = calleeName(call);
  const args = [...(call.arguments ?? [])];
  // cookieParser('secret'), jwt.sign(payload, 'secret'), jwt.verify(token, 'secret')
  if (/^(?:cookieParser|cookie_parser)$/.test(name) && args[0]) return [args[0]];
  if (ts.isCallExpression(call) && /^(?:jwt|jsonwebtoken|JWT)\.(?:sign|verify)$|^(?:sign|verify)$/.test(name) && args[1] && !ts.isObjectLiteralExpression(args[1])) {
    return isJsonwebtoken(call.getSourceFile()) ? [args[1]] : [];
  }
  if (!OPTION_CALLS.test(name)) return [];
  // fastify.register(fastifyJwt, { secret }) names its plugin; other register() calls are left alone.
  if (/(?:^|\.)register$/.test(name) && name !== 'JwtModule.register' && !SIGNING_PLUGIN.test(args[0]?.getText() ?? '')) return [];
  // `super({ secretOrKey })` only in a Passport strategy class.
  if (name === 'super' && !/PassportStrategy|Strategy\b/.test(call.getSourceFile().text)) return [];
  // `password` is iron-session's key; elsewhere it is a user's password.
  const keys = /IronSession|sealData|unsealData/.test(name) ? ['password'] : SECRET_KEYS.filter((k) => k !== 'password');
  return args.filter(ts.isObjectLiteralExpression).flatMap((options) => keys.map((key) => propertyOf(options, key)).filter((v): v is ts.Expression => v !== undefined));
}

function isJsonwebtoken(sf: ts.SourceFile): boolean {
  return /['"]jsonwebtoken['"]/.test(sf.text);
}

/** CRITICAL for a literal (directly, in an array, or through a file-level const), HIGH for a literal fallback. */
function judge(expr: ts.Expression, sf: ts.SourceFile): Pick<Hit, 'message' | 'severity'> | undefined {
  if (isSecretLiteral(expr)) return { message: 'The signing secret is a string literal in the source, so anyone with the code can forge sessions or tokens.' };
  if (ts.isArrayLiteralExpression(expr) && expr.elements.some(isSecretLiteral)) return { message: 'The signing keys are string literals in the source, so anyone with the code can forge sessions.' };
  const fallback = literalFallback(expr);
  if (fallback && !guardedAtStartup(fallback.env, sf)) {
    return { severity: 'HIGH', message: 'The signing secret falls back to a literal when the environment variable is unset, so a deployment that forgets it runs with a publicly known key.' };
  }
  return undefined;
}

function isSecretLiteral(node: ts.Node): boolean {
  const text = stringValue(node);
  return text !== undefined && text.trim().length > 0;
}

/** `SECRET` or `jwtConstants.secret`, declared as a const in the same file, is judged by its initializer. */
function resolveConst(value: ts.Expression, sf: ts.SourceFile): ts.Expression {
  const constant = (name: string): ts.Expression | undefined => {
    const decl = findNodes(sf, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === name && d.initializer);
    return decl?.initializer && ts.isVariableDeclarationList(decl.parent) && decl.parent.flags & ts.NodeFlags.Const ? decl.initializer : undefined;
  };
  if (ts.isIdentifier(value)) return constant(value.text) ?? value;
  if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression)) {
    const holder = constant(value.expression.text);
    return (holder && ts.isObjectLiteralExpression(holder) && propertyOf(holder, value.name.text)) || value;
  }
  return value;
}

/** `process.env.X || 'dev'`, `?? 'dev'`, `isProd ? process.env.X : 'dev'`: the literal and the variable it stands in for. */
function literalFallback(expr: ts.Expression): { env: string } | undefined {
  const inner = ts.isParenthesizedExpression(expr) ? expr.expression : expr;
  if (ts.isBinaryExpression(inner) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(inner.operatorToken.kind) && isSecretLiteral(inner.right)) {
    return { env: envName(inner.left) };
  }
  if (ts.isConditionalExpression(inner) && (isSecretLiteral(inner.whenTrue) || isSecretLiteral(inner.whenFalse))) {
    return { env: envName(isSecretLiteral(inner.whenTrue) ? inner.whenFalse : inner.whenTrue) };
  }
  return undefined;
}

function envName(node: ts.Expression): string {
  return /(\w+)\W*$/.exec(node.getText())?.[1] ?? '';
}

/** A startup check that throws or exits when the variable is missing makes the fallback dead in production. */
function guardedAtStartup(env: string, sf: ts.SourceFile): boolean {
  if (!env) return false;
  return nodesOfKinds<ts.IfStatement>(sf, [ts.SyntaxKind.IfStatement]).some((node) => node.expression.getText().includes(env) && /\bthrow\b|process\.exit\(/.test(node.thenStatement.getText()));
}
