import type { SourceFile } from '../../repo/view.js';
import { findNodes, lineOf, propertyOf, stringValue, ts, nodesOfKinds } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const PARSERS = new Set(['json', 'urlencoded', 'raw', 'text']);
const PARSER_MODULES = new Set(['express', 'body-parser']);
const ROUTE_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'route']);
/** koa-bodyparser and koa-body name a limit per body type. */
const KOA_LIMITS = new Set(['jsonLimit', 'formLimit', 'textLimit', 'xmlLimit']);
const MAX_BYTES = 10 * 1024 * 1024;
const UNITS: Record<string, number> = { b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40, pb: 2 ** 50 };

export default defineProbe({
  meta: {
    id: 'oversized-body-limit',
    title: 'Request body limit set too high or missing',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'high',
    description: 'A request body parser accepts more than 10 MB app-wide (express.json/bodyParser limit, Fastify bodyLimit, koa-bodyparser jsonLimit/formLimit, Next.js server actions bodySizeLimit) or multer accepts uploads with no fileSize limit.',
    impact: 'A handful of large requests fill memory and block the event loop while they are parsed, taking the server down for every user.',
    remediation: 'Keep JSON and form limits at the default (100 KB–1 MB); raise it only on the one route that needs it, and stream large uploads to storage with a fileSize limit.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx.scripts(['limit', 'Limit', 'multer']).flatMap((file) => checkFile(file, ctx.ast(file)));
  },
});

function checkFile(file: SourceFile, sf: ts.SourceFile): Hit[] {
  const modules = importedModules(sf);
  const hits: Hit[] = [];
  const judge = (value: ts.Expression | undefined, what: string): void => {
    const bytes = value ? bytesOf(value) : undefined;
    if (!value || bytes === undefined || bytes <= MAX_BYTES) return;
    const shown = bytes === Infinity ? 'any size' : bytes >= 2 ** 30 ? `${Math.round(bytes / 2 ** 30)} GB` : `${Math.round(bytes / 2 ** 20)} MB`;
    hits.push({ file, line: lineOf(value), message: `${what} accepts request bodies of ${shown}.`, severity: bytes >= 2 ** 30 ? 'HIGH' : 'MEDIUM' });
  };
  for (const call of findNodes(sf, ts.isCallExpression)) {
    const callee = call.expression;
    const [root, method] = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? [callee.expression.text, callee.name.text] : [callee.getText(), ''];
    const [module, exported] = (modules.get(root) ?? (root === 'bodyParser' ? 'body-parser' : root)).split('#');
    const isParser = PARSER_MODULES.has(module!) && PARSERS.has(method || (exported ?? ''));
    const options = method === 'useBodyParser' ? call.arguments[1] : call.arguments[0];
    // A limit raised on the one route that needs it is the remedy, not the problem.
    if ((isParser || method === 'useBodyParser') && !passedToRoute(call) && options && ts.isObjectLiteralExpression(options)) {
      judge(propertyOf(options, 'limit'), `${callee.getText()}(...)`);
    }
    if (!method && module === 'multer' && lacksFileSize(options)) {
      hits.push({ file, line: lineOf(call), message: 'multer accepts uploads of any size: no limits.fileSize is set.' });
    }
  }
  for (const prop of findNodes(sf, ts.isPropertyAssignment)) {
    const key = prop.name.getText().replace(/['"]/g, '');
    if (key === 'bodyLimit' && !passedToRoute(prop.parent)) judge(prop.initializer, 'Fastify bodyLimit');
    else if (key === 'bodySizeLimit') judge(prop.initializer, 'Next.js serverActions.bodySizeLimit');
    else if (KOA_LIMITS.has(key) && !(ts.isCallExpression(prop.parent.parent) && passedToRoute(prop.parent.parent))) judge(prop.initializer, `koa body parser ${key}`);
  }
  return hits;
}

function passedToRoute(node: ts.Expression): boolean {
  const parent = node.parent;
  return ts.isCallExpression(parent) && parent.arguments.includes(node) && ts.isPropertyAccessExpression(parent.expression) && ROUTE_VERBS.has(parent.expression.name.text);
}

/** `multer()` or `multer({ storage })` with no fileSize; options built elsewhere are given the benefit of the doubt. */
function lacksFileSize(options: ts.Expression | undefined): boolean {
  if (!options) return true;
  if (!ts.isObjectLiteralExpression(options) || options.properties.some(ts.isSpreadAssignment)) return false;
  const limits = propertyOf(options, 'limits');
  if (!limits) return true;
  return ts.isObjectLiteralExpression(limits) && !limits.properties.some(ts.isSpreadAssignment) && !propertyOf(limits, 'fileSize');
}

/** Size in bytes of `'50mb'`, `52428800`, `50 * 1024 * 1024` or `Infinity`; undefined when not a constant. */
function bytesOf(expr: ts.Expression): number | undefined {
  const text = stringValue(expr);
  if (text !== undefined) {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?b)?\s*$/i.exec(text);
    return match ? Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]! : undefined;
  }
  if (ts.isNumericLiteral(expr)) return Number(expr.text.replace(/_/g, ''));
  if (ts.isIdentifier(expr) && expr.text === 'Infinity') return Infinity;
  if (ts.isParenthesizedExpression(expr)) return bytesOf(expr.expression);
  if (ts.isBinaryExpression(expr)) {
    const [left, right] = [bytesOf(expr.left), bytesOf(expr.right)];
    if (left === undefined || right === undefined) return undefined;
    if (expr.operatorToken.kind === ts.SyntaxKind.AsteriskToken) return left * right;
    if (expr.operatorToken.kind === ts.SyntaxKind.PlusToken) return left + right;
  }
  return undefined;
}

/** Local name → module (`express`) or module#export (`body-parser#json`), from imports and requires. */
function importedModules(sf: ts.SourceFile): Map<string, string> {
  const names = new Map<string, string>();
  const bind = (binding: ts.Node | undefined, module: string): void => {
    if (!binding) return;
    if (ts.isIdentifier(binding)) names.set(binding.text, module);
    else if (ts.isNamespaceImport(binding)) names.set(binding.name.text, module);
    else if (ts.isNamedImports(binding) || ts.isObjectBindingPattern(binding)) {
      for (const el of binding.elements) {
        const imported = ts.isImportSpecifier(el) ? (el.propertyName ?? el.name).text : (el.propertyName ?? el.name).getText();
        if (ts.isIdentifier(el.name)) names.set(el.name.text, `${module}#${imported}`);
      }
    }
  };
  for (const node of nodesOfKinds(sf, [ts.SyntaxKind.ImportDeclaration, ts.SyntaxKind.VariableDeclaration])) {
    if (ts.isImportDeclaration(node)) {
      const module = stringValue(node.moduleSpecifier) ?? '';
      bind(node.importClause?.name, module);
      bind(node.importClause?.namedBindings, module);
    } else if (ts.isVariableDeclaration(node) && node.initializer && ts.isCallExpression(node.initializer) && node.initializer.expression.getText() === 'require') {
      bind(node.name, stringValue(node.initializer.arguments[0]) ?? '');
    }
  }
  return names;
}
