import { calleeName, enclosingFunction, isFunctionLike, lineOf, methodName, ts, walkNodes } from '../support/ast.js';
import { defineProbe } from '../types.js';

/** Last word of a name that makes the value a secret on its own. */
const SECRET_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'pwd', 'passphrase', 'passcode', 'otp', 'totp', 'nonce', 'salt', 'csrf', 'xsrf', 'apikey', 'pin']);
/** `…Key`, `…Id`, `…Code` are secrets only with these qualifiers (`apiKey` yes, React `key` no). */
const QUALIFIED: Record<string, Set<string>> = {
  key: new Set(['api', 'secret', 'access', 'private', 'signing', 'encryption', 'session', 'auth', 'license', 'activation', 'hmac']),
  id: new Set(['session']),
  code: new Set(['reset', 'verification', 'verify', 'otp', 'confirm', 'confirmation', 'invite', 'invitation', 'auth', 'login', 'sms', 'email', 'recovery', 'backup', 'activation', 'access', 'security', 'mfa', 'pairing', 'unlock']),
};
const COMPARISONS = new Set([
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
]);
/** Callbacks that build one value out of many random draws (`Array.from({ length: 32 }, () => chars[…])`). */
const BUILDER_CALLBACKS = new Set(['map', 'from', 'replace', 'reduce', 'flatMap']);

export default defineProbe({
  meta: {
    id: 'insecure-random-token',
    title: 'Secret generated with Math.random()',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-330',
    confidence: 'high',
    description: 'A token, password, session id, reset or one-time code, API key or nonce is generated with `Math.random()`.',
    impact: 'Math.random() is not cryptographically secure: its output can be predicted from earlier values, so an attacker can guess reset links, sessions or codes.',
    remediation: 'Use `crypto.randomBytes(32).toString(\'hex\')`, `crypto.randomUUID()` or `crypto.randomInt()` for anything that grants access.',
    effort: 'hours',
  },
  scope: 'file',
  detect(ctx) {
    // Seed scripts mint demo users for local databases, not credentials anyone relies on.
    return ctx.scripts(['Math.random']).filter((file) => !/(?:^|\/)seeds?(?:\/|\.[cm]?[jt]s$)/.test(file.path)).flatMap((file) =>
      ctx.calls(file)
        .filter((call) => calleeName(call) === 'Math.random')
        .flatMap((call) => {
          const name = secretSink(call);
          return name ? [{ file, line: lineOf(call), message: `Math.random() makes \`${name}\`; its output is predictable, so the value can be guessed.` }] : [];
        }),
    );
  },
});

/** The secret-looking name the random value ends up in, following it up to its variable, property, or returning function. */
function secretSink(random: ts.Node): string | undefined {
  let current: ts.Node = random;
  for (;;) {
    const parent = current.parent;
    if (!parent) return undefined;
    if (ts.isVariableDeclaration(parent) && parent.initializer === current) return viaName(parent.name.getText(), parent);
    if (ts.isPropertyAssignment(parent) && parent.initializer === current) return isSecretName(parent.name.getText()) ? parent.name.getText() : undefined;
    if (ts.isBinaryExpression(parent) && parent.right === current && isAssignment(parent.operatorToken.kind)) {
      const target = ts.isPropertyAccessExpression(parent.left) ? parent.left.name.text : parent.left.getText();
      return viaName(target, parent);
    }
    if (ts.isPropertyDeclaration(parent) && parent.initializer === current) return isSecretName(parent.name.getText()) ? parent.name.getText() : undefined;
    if (ts.isReturnStatement(parent)) {
      const fn = enclosingFunction(parent);
      if (!isBuilderCallback(fn)) return secretFunction(fn);
      current = fn!;
      continue;
    }
    if (isFunctionLike(parent)) {
      // Only a concise arrow body hands its value on; parameters and default values do not.
      if (parent.body !== current) return undefined;
      if (!isBuilderCallback(parent)) return ts.isArrowFunction(parent) ? secretFunction(parent) : undefined;
    } else if (!ts.isExpression(parent) && !ts.isTemplateSpan(parent)) return undefined;
    // `Math.random() < rate` is a coin toss, not a value that leaves the expression.
    if (ts.isBinaryExpression(parent) && COMPARISONS.has(parent.operatorToken.kind)) return undefined;
    current = parent;
  }
}

/** A local with a neutral name (`result`, `out`) still makes a secret when a `generateToken()` returns it. */
function viaName(name: string, at: ts.Node): string | undefined {
  if (isSecretName(name)) return name;
  const fn = enclosingFunction(at);
  if (!fn || !/^[A-Za-z_$][\w$]*$/.test(name) || !returns(fn, name)) return undefined;
  return secretFunction(fn);
}

function returns(fn: ts.FunctionLikeDeclaration, name: string): boolean {
  let found = false;
  walkNodes(fn, (node) => {
    if (node !== fn && isFunctionLike(node)) return false;
    if (ts.isReturnStatement(node) && node.expression && new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(node.expression.getText())) found = true;
    return undefined;
  });
  return found;
}

function secretFunction(fn: ts.FunctionLikeDeclaration | undefined): string | undefined {
  if (!fn) return undefined;
  const holder = fn.parent;
  const name = fn.name?.getText() ?? (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder) ? holder.name.getText() : '');
  // `pickToken(tokens)` chooses among existing values; it does not mint one.
  return isSecretName(name) && !/^(?:pick|choose|select|sample|shuffle|rotate)/i.test(name) ? `${name}()` : undefined;
}

function isBuilderCallback(node: ts.Node | undefined): boolean {
  if (!node || !isFunctionLike(node) || !ts.isCallExpression(node.parent)) return false;
  return BUILDER_CALLBACKS.has(methodName(node.parent) ?? '');
}

function isSecretName(name: string): boolean {
  const words = name
    .replace(/^['"`]|['"`]$/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1) ?? '';
  const previous = words.at(-2) ?? '';
  if (SECRET_WORDS.has(last)) return true;
  return QUALIFIED[last]?.has(previous) ?? false;
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.PlusEqualsToken;
}
