import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, isFunctionLike, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { isBrowserCode } from '../support/browser.js';
import { defineProbe, type Hit } from '../types.js';

const HTTP_CLIENT = /^(?:api|axios|http|client|apiClient|ky|\$fetch|\w+Api)$/;
/** A guard against a second click: a pending flag set before the request, a disabled button, or a blocking confirm(). */
const GUARDED = /\.disabled\s*=|\bset\w*\(\s*true\s*\)|\bconfirm\(|isPending|isSubmitting|isLoading|inFlight|submitting/;

export default defineProbe({
  meta: {
    id: 'double-submit-not-prevented',
    title: 'Button that creates or pays can be clicked twice',
    category: 'UI/UX Safety',
    severity: 'MEDIUM',
    phase: 3,
    agent: 'code-auditor',
    confidence: 'medium',
    description: 'A button’s click handler sends a POST (an order, a payment, a checkout session) and nothing stops a second click while it runs: no disabled state, pending flag or confirmation.',
    impact: 'Impatient users and double-clicks send the request twice: duplicate orders, two checkout sessions or two charges, and a support ticket for each.',
    remediation: 'Disable the button and show progress from the click until the request settles (`disabled={pending}`, `button.disabled = true`), and give the server an idempotency key so a duplicate that slips through is ignored.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['onClick', "'click'", '"click"']).some((file) => isBrowserCode(ctx, file)),
  detect: (ctx) => ctx.scripts(['onClick', "'click'", '"click"']).filter((f) => isBrowserCode(ctx, f)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const sf = ctx.ast(file);
  const locals = new Map<string, ts.Node>();
  for (const fn of findNodes(sf, ts.isFunctionDeclaration)) if (fn.name && fn.body) locals.set(fn.name.text, fn.body);
  for (const decl of findNodes(sf, ts.isVariableDeclaration)) if (ts.isIdentifier(decl.name) && decl.initializer && isFunctionLike(decl.initializer)) locals.set(decl.name.text, decl.initializer);
  const bodyOf = (handler: ts.Expression): ts.Node | undefined => (ts.isIdentifier(handler) ? locals.get(handler.text) : isFunctionLike(handler) ? handler : undefined);
  const hits: Hit[] = [];
  const judge = (at: ts.Node, handler: ts.Expression | undefined, label: string): void => {
    const body = handler && bodyOf(handler);
    if (!body || GUARDED.test(body.getText())) return;
    const post = findNodes(body, ts.isCallExpression).find(isPost);
    if (post) hits.push({ file, line: lineOf(at), message: `${label} sends ${calleeName(post)}(…) on every click and nothing disables it while the request runs: a double click submits twice.` });
  };
  for (const attr of findNodes(sf, ts.isJsxAttribute)) {
    if (attr.name.getText() !== 'onClick' || !attr.initializer || !ts.isJsxExpression(attr.initializer)) continue;
    const element = attr.parent.parent;
    if (element.attributes.properties.some((p) => ts.isJsxAttribute(p) && /^(?:disabled|aria-disabled|loading|isLoading)$/.test(p.name.getText()))) continue;
    judge(element, attr.initializer.expression, `<${element.tagName.getText()}>`);
  }
  for (const call of ctx.calls(file)) {
    if (!/\.addEventListener$/.test(calleeName(call)) || !/^(?:click|submit)$/.test(stringValue(call.arguments[0]) ?? '')) continue;
    judge(call, call.arguments[1], calleeName(call).replace(/\.addEventListener$/, ''));
  }
  return hits;
}

/** `fetch(url, { method: 'POST' })` or `api.post(…)`: a request that creates something each time it is sent. */
function isPost(call: ts.CallExpression): boolean {
  const name = calleeName(call);
  const options = call.arguments[1];
  if (/^(?:window\.)?fetch$/.test(name)) return !!options && ts.isObjectLiteralExpression(options) && stringValue(propertyOf(options, 'method'))?.toUpperCase() === 'POST';
  const [owner, method] = [name.split('.').slice(0, -1).join('.'), name.split('.').pop()];
  return method === 'post' && HTTP_CLIENT.test(owner);
}
