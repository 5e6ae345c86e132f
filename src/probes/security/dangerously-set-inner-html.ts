import { calleeName, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { defineProbe, type Hit } from '../types.js';

/** DOMPurify, sanitize-html, xss, isomorphic-dompurify, and project helpers named for what they do. */
const SANITIZER = /saniti[sz]e|purify|escape|xss|clean\w*html|safeHtml/i;
/**
 * Vue's `v-html="…"` and Svelte's `{@html …}` insert raw HTML; Angular's `[innerHTML]` is left out because Angular
 * sanitises that binding itself.
 */
const TEMPLATE_HTML = /\bv-html\s*=\s*"([^"]+)"|\bv-html\s*=\s*'([^']+)'|\{@html\s+([^}]+)\}/g;

export default defineProbe({
  meta: {
    id: 'dangerously-set-inner-html',
    title: 'HTML rendered from data without sanitising it',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-79',
    confidence: 'medium',
    description: 'React `dangerouslySetInnerHTML`, Vue `v-html`, Svelte `{@html}` or a DOM `innerHTML`/`outerHTML`/`insertAdjacentHTML` write renders a non-constant value that no sanitiser (DOMPurify, sanitize-html) has cleaned.',
    impact: 'HTML stored or sent by one user runs as script in other users’ sessions (stored XSS): it reads their data and acts with their credentials.',
    remediation: 'Render text instead of HTML, or pass the HTML through DOMPurify (or sanitize-html on the server) right where it is rendered.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['dangerouslySetInnerHTML', 'innerHTML', 'outerHTML', 'insertAdjacentHTML']).length > 0 || componentFiles(ctx).length > 0,
  detect(ctx) {
    return [...scriptHits(ctx), ...componentFiles(ctx).flatMap(templateHits)];
  },
});

function componentFiles(ctx: ProbeContext): SourceFile[] {
  return ctx.components(['v-html', '{@html']);
}

/** Raw-HTML bindings of a component's template whose expression is neither a literal nor sanitised. */
function templateHits(file: SourceFile): Hit[] {
  return file.lines.flatMap((text, index): Hit[] =>
    [...text.matchAll(TEMPLATE_HTML)].flatMap((match): Hit[] => {
      const expression = (match[1] ?? match[2] ?? match[3])!.trim();
      if (isSafeTemplateExpression(expression, file.text)) return [];
      return [{ file, line: index + 1, message: `\`${expression.slice(0, 60)}\` is rendered as HTML without being sanitised.` }];
    }),
  );
}

/** A quoted literal, a sanitiser call, or a name the component's script binds to a sanitiser's result (`computed(() => DOMPurify.sanitize(md))`). */
function isSafeTemplateExpression(expression: string, componentText: string): boolean {
  if (/^(?:'[^']*'|`[^`$]*`|"[^"]*")$/.test(expression)) return true;
  if (/^[\w$.]+\(/.test(expression)) return SANITIZER.test(expression.slice(0, expression.indexOf('(')));
  if (!/^[A-Za-z_$][\w$]*$/.test(expression)) return false;
  const name = expression.replace(/\$/g, '\\$');
  const binding = new RegExp(`\\b(?:const|let|var)\\s+${name}\\s*=([^\\n]*)|\\$:\\s*${name}\\s*=([^\\n]*)`).exec(componentText);
  return !!binding && SANITIZER.test(binding[1] ?? binding[2] ?? '');
}

function scriptHits(ctx: ProbeContext): Hit[] {
  return ctx.scripts(['dangerouslySetInnerHTML', 'innerHTML', 'outerHTML', 'insertAdjacentHTML']).flatMap((file) => {
    const hits: Hit[] = [];
    const report = (value: ts.Expression, at: ts.Node): void => {
      if (!isSafe(value)) hits.push({ file, line: lineOf(at), message: `\`${value.getText().slice(0, 60)}\` is rendered as HTML without being sanitised.` });
    };
    for (const attr of ctx.nodesOf<ts.JsxAttribute>(file, ts.SyntaxKind.JsxAttribute)) {
      if (attr.name.getText() !== 'dangerouslySetInnerHTML' || !attr.initializer || !ts.isJsxExpression(attr.initializer)) continue;
      const obj = attr.initializer.expression;
      const html = obj && ts.isObjectLiteralExpression(obj) ? propertyOf(obj, '__html') : undefined;
      // JSON-LD and inline config scripts: serialised data, not markup.
      if (html && !/^script$/i.test(tagOf(attr))) report(html, attr);
    }
    for (const node of ctx.nodesOf<ts.BinaryExpression>(file, ts.SyntaxKind.BinaryExpression)) {
      const left = node.left;
      if (node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(left) && /^(?:innerHTML|outerHTML)$/.test(left.name.text)) report(node.right, node);
    }
    for (const call of ctx.calls(file)) {
      if (calleeName(call).endsWith('.insertAdjacentHTML') && call.arguments[1]) report(call.arguments[1], call);
    }
    return hits;
  });
}

function tagOf(attr: ts.JsxAttribute): string {
  const element = attr.parent.parent;
  return ts.isJsxSelfClosingElement(element) || ts.isJsxOpeningElement(element) ? element.tagName.getText() : '';
}

/** Constants, text built only from constants, and sanitiser output. */
function isSafe(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return isSafe(node.expression);
  if (stringValue(node) !== undefined || ts.isNumericLiteral(node)) return true;
  if (ts.isTemplateExpression(node)) return node.templateSpans.every((span) => isSafe(span.expression));
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return isSafe(node.left) && isSafe(node.right);
  if (ts.isConditionalExpression(node)) return isSafe(node.whenTrue) && isSafe(node.whenFalse);
  if (ts.isCallExpression(node)) return SANITIZER.test(calleeName(node));
  if (ts.isIdentifier(node)) return isConstant(node);
  return false;
}

/** An identifier bound by a `const` to a literal or to a sanitiser's result, in the same file. */
function isConstant(id: ts.Identifier): boolean {
  for (let scope: ts.Node | undefined = id.parent; scope; scope = scope.parent) {
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      const decl = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === id.text);
      if (decl) return decl.initializer !== undefined && isSafe(decl.initializer);
    }
  }
  return false;
}
