import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, isFunctionLike, isInsideTry, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { isBrowserCode } from '../support/browser.js';
import { componentScript } from '../support/components.js';
import { defineProbe, type Hit } from '../types.js';

const WRITE = /^(?:POST|PUT|PATCH|DELETE)$/;
const CLIENT_WRITE = /^(?:api|axios|http|client|apiClient|ky|\w+Api)\.(?:post|put|patch|delete)$/;
/** Looking at the response or the failure: `res.ok`, `res.status`, `.catch(…)`, an `onError`. */
const CHECKED = /\.ok\b|\.status\b|\.catch\(|onError|isError/;
/** `.catch(() => {})`, `.catch(noop)`: a catch that swallows the failure handles nothing. */
const SWALLOWING_CATCH = /\.catch\(\s*(?:\(\s*\w*\s*\)\s*=>\s*(?:\{\s*\}|null|undefined|void 0)|noop|_\.noop)\s*\)/g;
/** A success notice: `toast.success('Saved')`, `message.success(…)`, `this.$toast.success(…)`, `notify.success(…)`. */
const SUCCESS_NOTICE = /(?:^|\.)(?:\$?toast|message|\$message|notify|\$notify|notification|\$notification|snackbar|notyf|toastr)\.success$/i;
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
    description: 'Browser code updates state optimistically before a write request, or navigates to a fixed page after it, and never handles the request failing (no catch, no `res.ok` check, no rollback); or shows a success notice in a `finally` or after a catch that swallows the failure.',
    impact: 'When the write fails (a 500, a 403, the network) the screen still shows the comment posted, the message deleted or the “deleted” page: users believe a change that never happened and act on it, or lose what they typed.',
    remediation: 'Check the response (`if (!res.ok) throw …`) and catch failures: roll the optimistic state back to the previous value and tell the user, and navigate only after the server confirmed (or use a data library’s mutation with onError rollback).',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['method', '.post(', '.delete(']).some((file) => isBrowserCode(ctx, file)) || ctx.components(WRITE_NEEDLES).length > 0,
  detect: (ctx) => [
    ...ctx.scripts(WRITE_NEEDLES).filter((f) => isBrowserCode(ctx, f)).flatMap((file) => checkFile(ctx, file, file)),
    // A Vue or Svelte component runs in the browser: its script blocks are judged like a client module.
    ...ctx.components(WRITE_NEEDLES).flatMap((component) => {
      const script = componentScript(component);
      return script ? checkFile(ctx, script, component) : [];
    }),
  ],
});

const WRITE_NEEDLES = ['method', '.post(', '.put(', '.patch(', '.delete('];

/** `file` is what is parsed; hits name `reportAs`, the component itself when `file` is its script. */
function checkFile(ctx: ProbeContext, file: SourceFile, reportAs: SourceFile): Hit[] {
  const hits: Hit[] = [];
  for (const call of ctx.calls(file)) {
    if (!isWrite(call)) continue;
    const fn = outerFunction(call);
    if (!fn?.body) continue;
    const notice = successDespiteFailure(call, fn);
    if (notice) {
      hits.push({ file: reportAs, line: lineOf(notice), message: `${calleeName(notice)} announces success even when ${calleeName(call)}(…) failed: its failure is caught and the notice still shows.` });
      continue;
    }
    if (isInsideTry(call, fn) || CHECKED.test(fn.body.getText().replace(SWALLOWING_CATCH, ''))) continue;
    const before = findNodes(fn.body, (n): n is ts.CallExpression | ts.BinaryExpression => ts.isCallExpression(n) || ts.isBinaryExpression(n)).filter((c) => c.end <= call.getStart() && (ts.isCallExpression(c) ? isOptimisticSet(c) : isOptimisticRefAssignment(c)));
    const after = findNodes(fn.body, (n): n is ts.CallExpression | ts.BinaryExpression => ts.isCallExpression(n) || ts.isBinaryExpression(n)).filter((n) => n.getStart() > call.getStart() && isFixedNavigation(n));
    const at = before[0] ?? after[0];
    if (!at) continue;
    const what = before[0] ? `${ts.isCallExpression(before[0]) ? calleeName(before[0]) : before[0].left.getText()} changes the screen before` : 'The page navigates away after';
    hits.push({ file: reportAs, line: lineOf(at), message: `${what} ${calleeName(call)}(…) and nothing handles the request failing: users see a change the server may not have made.` });
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

/**
 * `try { await api.patch(…) } catch (e) { console.error(e) } finally { toast.success('Saved') }`: a success notice in
 * the `finally`, or after a try whose catch neither returns nor throws, shows when the request failed too.
 */
function successDespiteFailure(call: ts.CallExpression, fn: ts.FunctionLikeDeclaration): ts.CallExpression | undefined {
  for (let up: ts.Node = call; up !== fn; up = up.parent) {
    if (!ts.isTryStatement(up.parent) || up.parent.tryBlock !== up) continue;
    const attempt = up.parent;
    const handled = attempt.catchClause && findNodes(attempt.catchClause.block, (n): n is ts.Node => ts.isReturnStatement(n) || ts.isThrowStatement(n)).length > 0;
    const notices = (node: ts.Node | undefined): ts.CallExpression[] => (node ? findNodes(node, ts.isCallExpression).filter((c) => SUCCESS_NOTICE.test(calleeName(c))) : []);
    const inFinally = notices(attempt.finallyBlock)[0];
    if (inFinally) return inFinally;
    if (attempt.catchClause && !handled && ts.isBlock(attempt.parent)) {
      const following = attempt.parent.statements.slice(attempt.parent.statements.indexOf(attempt) + 1);
      return following.flatMap((statement) => notices(statement))[0];
    }
    return undefined;
  }
  return undefined;
}

/** Vue's `items.value = items.value.filter(…)` or `= [draft, ...list.value]`: a ref given new data, not a flag or a reset. */
function isOptimisticRefAssignment(node: ts.BinaryExpression): boolean {
  if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !/\.value$/.test(node.left.getText())) return false;
  const right = node.right;
  if (ts.isArrayLiteralExpression(right)) return right.elements.length > 0;
  if (ts.isObjectLiteralExpression(right)) return right.properties.length > 0;
  return ts.isCallExpression(right) && /\.(?:filter|map|concat|toSpliced|with)$/.test(calleeName(right));
}

/** `router.push('/projects')`, `location.href = '/done'`: a fixed destination that announces success, not one read from the response. */
function isFixedNavigation(node: ts.CallExpression | ts.BinaryExpression): boolean {
  if (ts.isCallExpression(node)) return NAVIGATE.test(calleeName(node)) && stringValue(node.arguments[0]) !== undefined;
  return node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /(?:^|\.)location(?:\.href)?$/.test(node.left.getText()) && stringValue(node.right) !== undefined;
}
