import { calleeName, enclosingFunction, ts, walkNodes } from './ast.js';
import { isRequestRead, TaintScope } from './taint.js';

// Kept apart from taint.ts until TaintScope grows a sanitiser-aware flow of its own.
const REQUEST_PARAM = /^(?:req|request|_req|ctx|context|c|event)$/;
const KEEPS = [ts.SyntaxKind.PlusToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken];
export type Flow = { fn: ts.FunctionLikeDeclaration; scope: TaintScope; carries: (node: ts.Node) => boolean };

export interface FlowOptions {
  /** A Nest parameter parsed by a pipe (`@Query('n', ParseIntPipe)`) still counts as request data; off, the pipe is trusted to have made it safe. */
  readonly piped?: boolean;
}

/**
 * The innermost request handler around `node`, and whether request content reaches an expression through locals and
 * `pass` calls: a validator's result or a lookup keyed by request data (`TEMPLATES[req.query.x]`) does not carry it.
 * `read` filters request reads by field (body, query, headers, json, a Nest decorator's name).
 */
export function requestFlow(node: ts.Node, pass: RegExp, read: (field: string, node: ts.Node) => boolean = () => true, options: FlowOptions = {}): Flow | undefined {
  let fn = enclosingFunction(node);
  while (fn && !handlesRequest(fn)) fn = enclosingFunction(fn);
  if (!fn) return undefined;
  const handler = fn, scope = new TaintScope(fn), seen = new Set<ts.Node>(), first = fn.parameters[0]!.name;
  const names = new Set(ts.isIdentifier(first) ? [first.text] : []);
  const carries = (n: ts.Node): boolean => {
    if (seen.has(n)) return false;
    seen.add(n);
    if (isRequestRead(n, names)) return read(fieldOf(n, handler), n);
    const from = ts.isIdentifier(n) ? sourcesOf(n.text, handler) : [];
    if (ts.isIdentifier(n)) return from.length > 0 ? from.some(carries) : scope.mentions(n) && (options.piped || (fieldOf(n, handler) !== 'pipe' && read(fieldOf(n, handler), n)));
    if (ts.isParenthesizedExpression(n) || ts.isAwaitExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || (ts.isPropertyAccessExpression(n) && n.name.text !== 'length') || ts.isElementAccessExpression(n) || ts.isSpreadElement(n) || ts.isSpreadAssignment(n)) return carries(n.expression);
    if (ts.isTemplateExpression(n)) return n.templateSpans.some((span) => carries(span.expression));
    if (ts.isBinaryExpression(n)) return KEEPS.includes(n.operatorToken.kind) && (carries(n.left) || carries(n.right));
    if (ts.isConditionalExpression(n)) return carries(n.whenTrue) || carries(n.whenFalse);
    if (!(ts.isCallExpression(n) || ts.isNewExpression(n)) || !pass.test(calleeName(n))) return false;
    return [...(n.arguments ?? []), ...(ts.isPropertyAccessExpression(n.expression) ? [n.expression.expression] : [])].some(carries);
  };
  return { fn, scope, carries: (n) => (seen.clear(), carries(n)) };
}

/** What a local is assigned from in the handler: declarations, `for (const x of …)`, plain assignments. */
export function sourcesOf(name: string, fn: ts.Node): ts.Node[] {
  const binds = (b: ts.BindingName): boolean => (ts.isIdentifier(b) ? b.text === name : b.elements.some((el) => !ts.isOmittedExpression(el) && binds(el.name)));
  const found: ts.Node[] = [];
  walkNodes(fn, (n) => {
    if (ts.isVariableDeclaration(n) && n.initializer && binds(n.name)) found.push(n.initializer);
    if (ts.isForOfStatement(n) && ts.isVariableDeclarationList(n.initializer) && n.initializer.declarations.some((d) => binds(d.name))) found.push(n.expression);
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && n.left.text === name) found.push(n.right);
  });
  return found;
}

/** `req.query` → query, `req.json()` → json, `@Body() b` → body (`pipe` when a Nest pipe parses it), `({ params })` → params. */
export function fieldOf(n: ts.Node, fn: ts.FunctionLikeDeclaration): string {
  if (!ts.isIdentifier(n)) return (ts.isCallExpression(n) ? calleeName(n) : n.getText()).split('.').pop()!.toLowerCase();
  const param = fn.parameters.find((p) => (ts.isObjectBindingPattern(p.name) ? p.name.elements.some((el) => el.name.getText() === n.text) : p.name.getText() === n.text));
  const decorator = param && /^@(\w+)\(([^)]*)\)/.exec(param.getText());
  return decorator ? (/Pipe\b/.test(decorator[2]!) ? 'pipe' : decorator[1]!.toLowerCase()) : n.text.toLowerCase();
}

export function handlesRequest(fn: ts.FunctionLikeDeclaration): boolean {
  return fn.parameters.some((p, i) => (i === 0 && REQUEST_PARAM.test(p.name.getText())) || /^@(?:Body|Query|Param|Headers|Req)\b/.test(p.getText()) || (i === 0 && /^\{[^}]*\b(?:body|query|params|searchParams|request)\b/.test(p.name.getText())));
}
