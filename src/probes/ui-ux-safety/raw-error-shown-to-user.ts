import { calleeName, findNodes, lineOf, ts } from '../support/ast.js';
import { isBrowserCode } from '../support/browser.js';
import { defineProbe, type Hit } from '../types.js';

/** State or widgets whose content users read: `setError(…)`, `setMessage(…)`, `toast.error(…)`, `alert(…)`. */
const SHOWN_BY = /^(?:set\w*(?:Error|Message|Status|Alert|Notice|Feedback|Toast)\w*|(?:toast|notify|message|notification)(?:\.\w+)?|(?:window\.)?alert)$/;
const SHOWN_IN = /^(?:textContent|innerText|innerHTML)$/;
const ERROR_NAME = /^(?:e|err|error|ex|exc|exception|reason|\w+Error|\w+Err)$/;

export default defineProbe({
  meta: {
    id: 'raw-error-shown-to-user',
    title: 'Raw error text shown to users',
    category: 'UI/UX Safety',
    severity: 'LOW',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-209',
    confidence: 'medium',
    description: 'Browser code shows users an error as it came: its stack (`{error.stack}`), its string form (`String(err)`, `${err}`) or a serialised error object (`JSON.stringify(result.error)`).',
    impact: 'Users get "Error: 500 <!DOCTYPE html>…" or a JSON blob instead of something they can act on, lose trust at the worst moment (often at payment), and internal details (stack frames, server messages, codes) leak into screenshots and support tickets.',
    remediation: 'Map failures to short messages written for users (“Your card was declined — try another card”), show the error’s own `message` only for errors your code raised with user-facing text, and log the raw error for developers.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts().some((file) => isBrowserCode(ctx, file)),
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts(['stack', 'String(', 'stringify', 'toString', '${']).filter((f) => isBrowserCode(ctx, f))) {
      const shown: ts.Expression[] = [];
      for (const call of ctx.calls(file)) if (SHOWN_BY.test(calleeName(call)) && call.arguments[0]) shown.push(call.arguments[0]);
      for (const bin of ctx.nodesOf<ts.BinaryExpression>(file, ts.SyntaxKind.BinaryExpression)) {
        if (bin.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(bin.left) && SHOWN_IN.test(bin.left.name.text)) shown.push(bin.right);
      }
      for (const jsx of ctx.nodesOf<ts.JsxExpression>(file, ts.SyntaxKind.JsxExpression)) if (jsx.expression && !ts.isJsxAttribute(jsx.parent)) shown.push(jsx.expression);
      for (const value of shown) {
        const raw = rawError(value);
        if (raw) hits.push({ file, line: lineOf(raw), message: `${raw.getText().slice(0, 60)} shows users the error as it came instead of a message written for them.` });
      }
    }
    return hits;
  },
});

/** The part of a shown value that is a raw error: `x.stack`, `String(err)`, `${err}`, `err.toString()`, `JSON.stringify(result.error)`. */
function rawError(value: ts.Expression): ts.Node | undefined {
  const candidates = [value, ...findNodes(value, (n): n is ts.Expression => ts.isPropertyAccessExpression(n) || ts.isCallExpression(n) || ts.isTemplateExpression(n))];
  for (const node of candidates) {
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'stack') return node; // only errors carry a stack
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if ((name === 'String' || name === 'JSON.stringify') && node.arguments[0] && isErrorish(node.arguments[0])) return node;
      if (ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'toString' && isErrorish(node.expression.expression)) return node;
    }
    if (ts.isTemplateExpression(node) && node.templateSpans.some((span) => isErrorish(span.expression))) return node;
  }
  return undefined;
}

/** An error object: `err`, `error as Error`, `result.error`, `e.response` — not its `message`, which may be meant for users. */
function isErrorish(node: ts.Expression): boolean {
  let expr = node;
  while (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr)) expr = expr.expression;
  if (ts.isIdentifier(expr)) return ERROR_NAME.test(expr.text);
  return ts.isPropertyAccessExpression(expr) && /^(?:error|err|errors|response)$/.test(expr.name.text);
}
