import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { enclosingFunction, expressionName, findNodes, lineOf, methodName, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const WRITES = new Set(['create', 'insert', 'insertOne', 'save', 'upsert']);
/** Input of any length: parsed text, an uploaded file, a request body. */
const PARSED = /\.split\(|\bparse\w*\(|JSON\.parse|\b(?:req|request|ctx\.request)\.body\b|\bbody\b|\brecords\b|\bcsv\b/;
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|migrations?|seeds?|prisma)\//;

export default defineProbe({
  meta: {
    id: 'insert-per-row-in-loop',
    title: 'Import inserts one row per round trip',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    confidence: 'medium',
    description: 'A loop over parsed input (CSV lines, a JSON array from the request) awaits one insert or one create-transaction per item instead of a bulk insert.',
    impact: 'An import of 10,000 lines makes 10,000 sequential round trips (more with a transaction each): the request times out, holds a connection for minutes, and a retry imports the first half twice.',
    remediation: 'Validate the whole input first, then insert in chunks with a bulk call (`createMany`, `insert([...])`, multi-row `INSERT`), or hand large imports to a background job; cap the number of rows accepted.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['for (', 'for(']).length > 0,
  detect: (ctx) => ctx.scripts(['for (', 'for(']).filter((file) => !NOT_SERVER_PATH.test(file.path) && !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  for (const loop of ctx.nodesOf<ts.ForOfStatement>(file, ts.SyntaxKind.ForOfStatement)) {
    const fn = enclosingFunction(loop);
    if (!fn?.body || !fromParsedInput(loop.expression, fn)) continue;
    const write = findNodes(loop.statement, ts.isCallExpression).find((call) => ts.isAwaitExpression(call.parent) && enclosingFunction(call) === fn && writes(call, fn));
    if (write && !dispatchedByKind(write, loop)) hits.push({ file, line: lineOf(write), message: `Each item of ${loop.expression.getText()} is written with its own awaited ${expressionName(write.expression)}(): one round trip per row.` });
  }
  return hits;
}

/** `for (const row of rows)` where `rows = csv.split('\n')...` or `req.body.items`. */
function fromParsedInput(expr: ts.Expression, fn: ts.FunctionLikeDeclaration): boolean {
  if (!ts.isIdentifier(expr)) return PARSED.test(expr.getText());
  const decl = findNodes(fn.body!, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === expr.text);
  return !!decl?.initializer && !ts.isAwaitExpression(decl.initializer) && PARSED.test(decl.initializer.getText());
}

/** An ORM write, or `this.create(...)` whose body in the same class writes or opens a transaction. */
function writes(call: ts.CallExpression, fn: ts.FunctionLikeDeclaration): boolean {
  const method = methodName(call) ?? '';
  const callee = call.expression;
  if (!WRITES.has(method) || !ts.isPropertyAccessExpression(callee)) return /^\s*insert\s+into\b/i.test(call.arguments[0]?.getText().slice(1) ?? '');
  if (callee.expression.kind !== ts.SyntaxKind.ThisKeyword) return !/^(?:this\.)?\w*(?:service|queue|cache|map|set|list|results|items)$/i.test(expressionName(callee.expression));
  const cls = fn.parent;
  const target = ts.isClassDeclaration(cls) ? cls.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText() === method) : undefined;
  return !!target?.body && /\.(?:transaction|save|insert|create)\(/.test(target.body.getText());
}

/**
 * A write under `if (event.type === 'paid')` or a `case 'paid':` handles one kind of event (a webhook's
 * batch of notifications, each its own operation), not an import that one bulk insert could replace.
 */
function dispatchedByKind(write: ts.Node, loop: ts.ForOfStatement): boolean {
  for (let node = write.parent; node && node !== loop; node = node.parent) {
    if (ts.isCaseClause(node) && ts.isStringLiteralLike(node.expression)) return true;
    if (ts.isIfStatement(node) && comparesWithString(node.expression)) return true;
  }
  return false;
}

function comparesWithString(condition: ts.Expression): boolean {
  return findNodes(condition, ts.isBinaryExpression).concat(ts.isBinaryExpression(condition) ? [condition] : []).some((binary) => {
    const equality = [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken].includes(binary.operatorToken.kind);
    return equality && (ts.isStringLiteralLike(binary.left) || ts.isStringLiteralLike(binary.right));
  });
}
