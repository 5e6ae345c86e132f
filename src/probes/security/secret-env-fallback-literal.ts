import { expressionName, lineOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Variable names that hold a credential. */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|CREDENTIAL|HMAC|SALT/i;
/** Names that only describe a credential (its header, lifetime, id) or hold a public value. */
const NOT_SECRET = /HEADER|NAME|URL|URI|PATH|FILE|TTL|EXPIR|LENGTH|_ID$|PUBLIC|PUBLISHABLE|ALGORITHM|ALG$|ISSUER|AUDIENCE/i;
const ENV_OWNER = /^(?:process\.env|import\.meta\.env|Bun\.env)$/;

export default defineProbe({
  meta: {
    id: 'secret-env-fallback-literal',
    title: 'Credential falls back to a literal when its variable is unset',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-798',
    confidence: 'high',
    description: 'A password, secret, token or API key is read from the environment with a hard-coded string as the fallback (`process.env.DB_PASSWORD || \'…\'`).',
    impact: 'The fallback is a real credential in the repository, and a deployment that forgets the variable silently runs with it instead of failing to start.',
    remediation: 'Drop the fallback, validate required variables at startup (fail fast when one is missing), and rotate any value that was committed.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['env']).length > 0,
  detect(ctx) {
    return ctx.scripts([/env\.\w+\s*(?:\|\||\?\?)|=\s*['"`][^'"`]*['"`]\s*[,}][^;]*=\s*(?:process|import\.meta)\.env/]).flatMap((file): Hit[] => {
      const hits: Hit[] = [];
      for (const node of ctx.nodesOf<ts.BinaryExpression>(file, ts.SyntaxKind.BinaryExpression)) {
        const op = node.operatorToken.kind;
        if (op !== ts.SyntaxKind.BarBarToken && op !== ts.SyntaxKind.QuestionQuestionToken) continue;
        const name = envName(node.left);
        if (name && isSecretName(name) && isCredentialLiteral(node.right)) hits.push({ file, line: lineOf(node), message: `${name} falls back to a literal written in the code.` });
      }
      // const { JWT_SECRET = 'dev-secret' } = process.env
      for (const el of ctx.nodesOf<ts.BindingElement>(file, ts.SyntaxKind.BindingElement)) {
        const decl = el.parent.parent;
        if (!el.initializer || !ts.isVariableDeclaration(decl) || !decl.initializer || !ENV_OWNER.test(expressionName(decl.initializer))) continue;
        const name = (el.propertyName ?? el.name).getText();
        if (isSecretName(name) && isCredentialLiteral(el.initializer)) hits.push({ file, line: lineOf(el), message: `${name} falls back to a literal written in the code.` });
      }
      return hits;
    });
  },
});

/** `process.env.X` or `process.env['X']`. */
function envName(node: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(node) && ENV_OWNER.test(expressionName(node.expression))) return node.name.text;
  if (ts.isElementAccessExpression(node) && ENV_OWNER.test(expressionName(node.expression))) return stringValue(node.argumentExpression);
  return undefined;
}

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

/** A non-empty string that is not an obvious "unset" marker. */
function isCredentialLiteral(node: ts.Expression): boolean {
  const value = stringValue(node);
  return value !== undefined && value.trim().length >= 4 && !/^(?:undefined|null|none|false|disabled)$/i.test(value.trim());
}
