import type { SourceFile } from '../../repo/view.js';
import { calleeName, enclosingFunction, findNodes, isFunctionLike, lineOf, propertyOf, stringValue, ts, walkNodes } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const ALLOW_ORIGIN = 'access-control-allow-origin';
const ALLOW_CREDENTIALS = 'access-control-allow-credentials';
/** Calls that decide something about the origin: an allowlist lookup, a pattern test. */
const ORIGIN_CHECK = /\.(?:includes|indexOf|test|match|has|some|find|startsWith|endsWith)\(/;

const REFLECTED = 'reflects any request origin with credentials, so every website can make authenticated requests and read the responses';
const WILDCARD = "allows origin '*' with credentials: browsers refuse the combination, and the usual way to \"fix\" it (reflecting the origin) opens the API to every website";

export default defineProbe({
  meta: {
    id: 'cors-wildcard-credentials',
    title: 'CORS allows any origin with credentials',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-942',
    confidence: 'high',
    description: 'CORS is configured with credentials and an origin of `*`, `true` or a callback that accepts every origin.',
    impact: 'Any website a logged-in user visits can call the API with the user’s cookies and read the answers (account takeover, data theft).',
    remediation: 'List the allowed origins explicitly (`origin: [\'https://app.example.com\']`) or check the request origin against an allowlist before echoing it.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(['cors', 'Cors', 'CORS', 'Access-Control-Allow-Origin', 'access-control-allow-origin']).length > 0,
  detect(ctx) {
    return ctx.scripts(['cors', 'Cors', 'CORS', 'Access-Control-Allow-Origin', 'access-control-allow-origin']).flatMap((file) => {
      const sf = ctx.ast(file);
      return [...optionHits(file, sf), ...headerHits(file, sf)];
    });
  },
});

/** `cors({...})`, `app.enableCors({...})`, `fastify.register(cors, {...})`, `{ cors: {...} }`. */
function optionHits(file: SourceFile, sf: ts.SourceFile): Hit[] {
  return findNodes(sf, ts.isObjectLiteralExpression).flatMap((options) => {
    if (propertyOf(options, 'credentials')?.kind !== ts.SyntaxKind.TrueKeyword || !isCorsOptions(options)) return [];
    const origin = propertyOf(options, 'origin');
    if (!origin) return [];
    const verdict = judgeOrigin(origin, /@hapi\/|['"]hapi['"]|\bserver\.route\(/.test(file.text));
    if (!verdict) return [];
    return [{ file, line: lineOf(origin), message: `CORS ${verdict === 'wildcard' ? WILDCARD : REFLECTED}.`, severity: verdict === 'wildcard' ? 'MEDIUM' : 'HIGH' } satisfies Hit];
  });
}

function isCorsOptions(options: ts.ObjectLiteralExpression): boolean {
  const parent = options.parent;
  if (ts.isPropertyAssignment(parent)) return /^cors$/i.test(parent.name.getText());
  // `const corsOptions = { origin: true, credentials: true }; app.use(cors(corsOptions))`
  if (ts.isVariableDeclaration(parent)) return /cors/i.test(parent.name.getText());
  if (!ts.isCallExpression(parent)) return false;
  if (/cors/i.test(calleeName(parent))) return true;
  return calleeName(parent).endsWith('register') && /cors/i.test(parent.arguments[0]?.getText() ?? '');
}

/**
 * `origin: ['*']`: hapi matches every origin against the list and echoes it back (reflected); the `cors`
 * package compares the request origin with the string `'*'`, which no origin equals, so it is the wildcard mistake.
 */
function judgeOrigin(origin: ts.Expression, hapi: boolean): 'wildcard' | 'reflected' | undefined {
  if (stringValue(origin) === '*') return 'wildcard';
  if (ts.isArrayLiteralExpression(origin) && origin.elements.some((e) => stringValue(e) === '*')) return hapi ? 'reflected' : 'wildcard';
  if (origin.kind === ts.SyntaxKind.TrueKeyword) return 'reflected';
  if (ts.isRegularExpressionLiteral(origin) && /^\/\^?\.[*+]\$?\/\w*$/.test(origin.text)) return 'reflected';
  if (isFunctionLike(origin) && acceptsEverything(origin)) return 'reflected';
  return undefined;
}

/** `(origin, cb) => cb(null, true)` or `(origin) => origin`: no branch, no lookup, every origin passes. */
function acceptsEverything(fn: ts.FunctionLikeDeclaration): boolean {
  const body = fn.body;
  if (!body) return false;
  let decides = ORIGIN_CHECK.test(body.getText());
  walkNodes(body, (node) => {
    if (ts.isIfStatement(node) || ts.isConditionalExpression(node) || ts.isSwitchStatement(node)) decides = true;
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.EqualsEqualsEqualsToken].includes(node.operatorToken.kind)) decides = true;
  });
  if (decides) return false;
  const first = fn.parameters[0]?.name.getText();
  const accepted = (node: ts.Node | undefined): boolean => !!node && (node.kind === ts.SyntaxKind.TrueKeyword || node.getText() === first || stringValue(node) === '*');
  if (!ts.isBlock(body)) return accepted(body) || (ts.isCallExpression(body) && accepted(body.arguments[1]));
  return findNodes(body, ts.isCallExpression).some((call) => call.arguments[0]?.kind === ts.SyntaxKind.NullKeyword && accepted(call.arguments[1]))
    || findNodes(body, ts.isReturnStatement).some((ret) => accepted(ret.expression));
}

interface HeaderSetting {
  readonly name: string;
  readonly value: ts.Expression;
}

/** Hand-written headers: `res.setHeader(name, value)`, `{ 'Access-Control-Allow-Origin': value }`, `{ key: name, value }`. */
function headerHits(file: SourceFile, sf: ts.SourceFile): Hit[] {
  const settings: HeaderSetting[] = [];
  walkNodes(sf, (node) => {
    if (ts.isCallExpression(node) && node.arguments.length >= 2) {
      const name = stringValue(node.arguments[0])?.toLowerCase();
      if (name === ALLOW_ORIGIN || name === ALLOW_CREDENTIALS) settings.push({ name, value: node.arguments[1]! });
    }
    if (ts.isPropertyAssignment(node) && ts.isStringLiteral(node.name)) {
      const name = node.name.text.toLowerCase();
      if (name === ALLOW_ORIGIN || name === ALLOW_CREDENTIALS) settings.push({ name, value: node.initializer });
    }
    if (ts.isObjectLiteralExpression(node)) {
      const name = stringValue(propertyOf(node, 'key'))?.toLowerCase();
      const value = propertyOf(node, 'value');
      if (value && (name === ALLOW_ORIGIN || name === ALLOW_CREDENTIALS)) settings.push({ name, value });
    }
  });
  const credentials = settings.some((s) => s.name === ALLOW_CREDENTIALS && (s.value.kind === ts.SyntaxKind.TrueKeyword || stringValue(s.value) === 'true'));
  if (!credentials) return [];
  return settings.flatMap((setting): Hit[] => {
    if (setting.name !== ALLOW_ORIGIN) return [];
    if (stringValue(setting.value) === '*') return [{ file, line: lineOf(setting.value), message: `Access-Control-Allow-Origin ${WILDCARD}.`, severity: 'MEDIUM' }];
    if (reflectsOrigin(setting.value) && !isConditional(setting.value)) return [{ file, line: lineOf(setting.value), message: `Access-Control-Allow-Origin ${REFLECTED}.` }];
    return [];
  });
}

/** The request's own Origin header, read directly or through a local assigned from it. */
function reflectsOrigin(value: ts.Expression): boolean {
  const direct = (node: ts.Node): boolean =>
    /(?:headers\.origin|headers\[['"]origin['"]\]|(?:get|header)\(\s*['"]origin['"]\s*\))$/i.test(node.getText()) ||
    (ts.isBinaryExpression(node) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind) && direct(node.left));
  if (direct(value)) return true;
  if (!ts.isIdentifier(value)) return false;
  const scope = enclosingFunction(value) ?? value.getSourceFile();
  return findNodes(scope, ts.isVariableDeclaration).some((decl) => {
    if (!decl.initializer) return false;
    if (ts.isIdentifier(decl.name)) return decl.name.text === value.text && direct(decl.initializer);
    // `const { origin } = req.headers`
    return ts.isObjectBindingPattern(decl.name) && /headers$/.test(decl.initializer.getText()) && decl.name.elements.some((el) => el.name.getText() === value.text && (el.propertyName ?? el.name).getText() === 'origin');
  });
}

/** Echoing the origin inside `if (allowed.includes(origin))`, or after an early return on that check, is the correct pattern. */
function isConditional(node: ts.Node): boolean {
  for (let current = node.parent; current && !isFunctionLike(current); current = current.parent) {
    if (ts.isIfStatement(current) || ts.isConditionalExpression(current)) return true;
  }
  const fnText = enclosingFunction(node)?.getText() ?? '';
  return /(?:includes|indexOf|test|match|has|some|find|startsWith|endsWith)\([^)]*origin/i.test(fnText) || /origin\s*[!=]==/i.test(fnText);
}
