import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, expressionName, findNodes, isFunctionLike, lineOf, stringValue, ts } from '../support/ast.js';
import { TaintScope } from '../support/taint.js';
import { paidProvider } from '../support/paid-apis.js';
import { defineProbe, type Hit } from '../types.js';

/** Calls billed per call or per token. Stripe is left out: its API calls cost nothing, the charges they make are the customer's. */
const LOOP_CALLBACKS = new Set(['map', 'forEach', 'flatMap', 'reduce', 'filter', 'some', 'every']);
const COMPARISON = new Set([ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken]);
/** Array size capped by a validation schema (zod/yup/Joi `.array(...).max(n)`, class-validator, JSON schema). */
const SCHEMA_CAP = /\.array\([\s\S]{0,200}?\.max\(|ArrayMaxSize|maxItems/;

export default defineProbe({
  meta: {
    id: 'unbounded-paid-api-loop',
    title: 'Paid API called once per item of request data',
    category: 'Cost Control',
    severity: 'CRITICAL',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'medium',
    description: 'A paid API (OpenAI, Anthropic, Gemini, Replicate, Twilio, SendGrid, Resend, Vercel AI SDK) is called inside a loop over request-supplied data with no cap on the number of items.',
    impact: 'One request with a long array triggers thousands of billed calls: a single user or attacker can run up the bill, exhaust the provider quota and take the feature down for everyone.',
    remediation: 'Validate a maximum array length before the loop (e.g. z.array(...).max(20)) or slice it, batch where the API allows, and meter usage per user.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    const handlers = new Set(ctx.routes().flatMap((route) => (route.handler ? [route.handler] : [])));
    return ctx
      .scripts(['.create(', 'generate', '.run(', '.send(', 'Text(', 'Object(', 'embedMany'])
      .flatMap((file) => (SCHEMA_CAP.test(file.text) ? [] : checkFile(ctx, file, handlers)));
  },
});

function checkFile(ctx: ProbeContext, file: SourceFile, handlers: Set<ts.FunctionLikeDeclaration>): Hit[] {
  const sf = ctx.ast(file);
  const aiSdk = findNodes(sf, ts.isImportDeclaration).some((imp) => stringValue(imp.moduleSpecifier) === 'ai');
  const hits: Hit[] = [];
  for (const call of ctx.calls(file)) {
    const provider = paidProvider(call, aiSdk);
    if (!provider) continue;
    for (const { loop, iterable } of enclosingLoops(call)) {
      const fn = enclosingFunctionOutsideLoops(loop);
      if (!fn || !(handlers.has(fn) || /^(?:req|request)$/.test(fn.parameters[0]?.name.getText() ?? ''))) continue;
      if (!new TaintScope(fn).mentions(iterable) || isCapped(fn, loop, iterable)) continue;
      hits.push({ file, line: lineOf(call), message: `${calleeName(call)} (${provider}) runs once per item of ${shown(iterable).slice(0, 60)}, which comes from the request and is never capped.` });
      break;
    }
  }
  return hits;
}


/** Every loop that repeats the call, innermost first, up to the function that owns them. */
function enclosingLoops(call: ts.Node): { loop: ts.Node; iterable: ts.Expression }[] {
  const loops: { loop: ts.Node; iterable: ts.Expression }[] = [];
  for (let node = call; node.parent; node = node.parent) {
    const parent = node.parent;
    if ((ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.statement === node) loops.push({ loop: parent, iterable: parent.expression });
    else if ((ts.isWhileStatement(parent) || ts.isDoStatement(parent)) && parent.statement === node) loops.push({ loop: parent, iterable: parent.expression });
    else if (ts.isForStatement(parent) && parent.statement === node && parent.condition) loops.push({ loop: parent, iterable: parent.condition });
    if (!isFunctionLike(node)) continue;
    const callback = loopCallback(node);
    if (!callback) break;
    loops.push(callback);
  }
  return loops;
}

/** `items.map(fn)` / `pMap(items, fn)`: the call that runs `fn` per item, and the items. */
function loopCallback(fn: ts.Node): { loop: ts.Node; iterable: ts.Expression } | undefined {
  const call = fn.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(fn as ts.Expression)) return undefined;
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee) && LOOP_CALLBACKS.has(callee.name.text)) return { loop: call, iterable: callee.expression };
  if (/^(?:pMap|Array\.from)$/.test(expressionName(callee)) && call.arguments[0] !== fn) return { loop: call, iterable: call.arguments[0]! };
  return undefined;
}

function enclosingFunctionOutsideLoops(loop: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let node = loop.parent; node; node = node.parent) if (isFunctionLike(node) && !loopCallback(node)) return node;
  return undefined;
}

/** `i < items.length` reads better as `items`. */
function shown(iterable: ts.Expression): string {
  const length = findNodes(iterable, ts.isPropertyAccessExpression).find((p) => p.name.text === 'length');
  return ts.isBinaryExpression(iterable) && length ? length.expression.getText() : iterable.getText();
}

/** `.slice(0, n)` on the items, `Math.min` in the bound, or a length comparison before the loop. */
function isCapped(fn: ts.FunctionLikeDeclaration, loop: ts.Node, iterable: ts.Expression): boolean {
  const capCall = findNodes(iterable, ts.isCallExpression).concat(ts.isCallExpression(iterable) ? [iterable] : []);
  if (capCall.some((c) => (/\.slice$/.test(calleeName(c)) && c.arguments.length === 2) || /(?:^|\.)(?:take|min)$/.test(calleeName(c)))) return true;
  const names = new Set(findNodes(iterable, (n): n is ts.Expression => ts.isIdentifier(n) || ts.isPropertyAccessExpression(n)).map((n) => n.getText()).concat(iterable.getText()));
  return findNodes(fn, ts.isBinaryExpression).some((bin) => {
    if (bin.getStart() >= loop.getStart() || !COMPARISON.has(bin.operatorToken.kind)) return false;
    // `items.length < 1` is a minimum, not a cap.
    const other = (side: ts.Expression): ts.Expression => (side === bin.left ? bin.right : bin.left);
    return [bin.left, bin.right].some(
      (side) => ts.isPropertyAccessExpression(side) && /^(?:length|size)$/.test(side.name.text) && names.has(side.expression.getText()) && !(ts.isNumericLiteral(other(side)) && Number(other(side).getText()) <= 1),
    );
  });
}
