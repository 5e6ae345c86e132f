import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, isFunctionLike, isInsideTry, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { isBrowserCode } from '../support/browser.js';
import { defineProbe, type Hit } from '../types.js';

const WRITE = /^(?:POST|PUT|PATCH|DELETE)$/;
const CLIENT_WRITE = /^(?:api|axios|http|client|apiClient|ky|\w+Api)\.(?:post|put|patch|delete)$/;
/** Looking at the response or the failure: `res.ok`, `res.status`, `.catch(…)`, an `onError`. */
const CHECKED = /\.ok\b|\.status\b|\.catch\(|onError|isError/;
const NAVIGATE = /^(?:router\.(?:push|replace)|navigate|(?:window\.)?location\.(?:assign|replace)|history\.push|redirect)$/;

export default defineProbe({
  meta: {
    id: 'ui-assumes-request-succeeded',
    title: 'UI shows a change the server may not have made',
    category: 'UI/UX Safety',
    severity: 'MEDIUM',
    phase: 3,
    agent: 'code-auditor',
    confidence: 'medium',
    description: 'Browser code updates state optimistically before a write request, or navigates to a fixed page after it, and never handles the request failing (no catch, no `res.ok` check, no rollback).',
    impact: 'When the write fails (a 500, a 403, the network) the screen still shows the comment posted, the message deleted or the “deleted” page: users believe a change that never happened and act on it, or lose what they typed.',
    remediation: 'Check the response (`if (!res.ok) throw …`) and catch failures: roll the optimistic state back to the previous value and tell the user, and navigate only after the server confirmed (or use a data library’s mutation with onError rollback).',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['method', '.post(', '.delete(']).some((file) => isBrowserCode(ctx, file)),
  detect: (ctx) => ctx.scripts(['method', '.post(', '.put(', '.patch(', '.delete(']).filter((f) => isBrowserCode(ctx, f)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  for (const call of ctx.calls(file)) {
    if (!isWrite(call)) continue;
    const fn = outerFunction(call);
    if (!fn?.body || isInsideTry(call, fn) || CHECKED.test(fn.body.getText())) continue;
    const before = findNodes(fn.body, ts.isCallExpression).filter((c) => c.end <= call.getStart() && isOptimisticSet(c));
    const after = findNodes(fn.body, (n): n is ts.CallExpression | ts.BinaryExpression => ts.isCallExpression(n) || ts.isBinaryExpression(n)).filter((n) => n.getStart() > call.getStart() && isFixedNavigation(n));
    const at = before[0] ?? after[0];
    if (!at) continue;
    const what = before[0] ? `${calleeName(before[0])} changes the screen before` : 'The page navigates away after';
    hits.push({ file, line: lineOf(at), message: `${what} ${calleeName(call)}(…) and nothing handles the request failing: users see a change the server may not have made.` });
  }
  return hits;
}

/** `fetch(url, { method: 'DELETE' })`, `api(url, { method: 'POST' })`, `axios.post(…)`. */
function isWrite(call: ts.CallExpression): boolean {
  const options = call.arguments[1];
  if (options && ts.isObjectLiteralExpression(options) && WRITE.test(stringValue(propertyOf(options, 'method'))?.toUpperCase() ?? '')) return true;
  return CLIENT_WRITE.test(calleeName(call));
}

/** The handler the request is sent from; a `.then(() => …)` on the request is inside it, so navigation there counts. */
function outerFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let up = node.parent; up; up = up.parent) if (isFunctionLike(up)) return up;
  return undefined;
}

/** `setComments([optimistic, ...comments])`, `setMessages((m) => m.filter(…))`: a React setter given new data, not a flag or a reset. */
function isOptimisticSet(call: ts.CallExpression): boolean {
  const arg = call.arguments[0];
  if (!ts.isIdentifier(call.expression) || !/^set[A-Z]/.test(call.expression.text) || !arg) return false;
  return ts.isArrayLiteralExpression(arg) || ts.isObjectLiteralExpression(arg) || ts.isArrowFunction(arg) || ts.isFunctionExpression(arg);
}

/** `router.push('/projects')`, `location.href = '/done'`: a fixed destination that announces success, not one read from the response. */
function isFixedNavigation(node: ts.CallExpression | ts.BinaryExpression): boolean {
  if (ts.isCallExpression(node)) return NAVIGATE.test(calleeName(node)) && stringValue(node.arguments[0]) !== undefined;
  return node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /(?:^|\.)location(?:\.href)?$/.test(node.left.getText()) && stringValue(node.right) !== undefined;
}
