import { calleeName, enclosingFunction, findNodes, stringValue, ts, walkNodes } from './ast.js';
import { isRequestRead, TaintScope } from './taint.js';

// Kept apart from taint.ts until TaintScope grows a sanitiser-aware flow of its own.
const REQUEST_PARAM = /^(?:req|request|_req|ctx|context|c|event)$/;
const KEEPS = [ts.SyntaxKind.PlusToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken];
export type Flow = { fn: ts.FunctionLikeDeclaration; scope: Pick<TaintScope, 'mentions'>; carries: (node: ts.Node) => boolean };

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

/**
 * Whether request data decides the start of the URL `node` evaluates to — its scheme and host, or
 * (for redirects) whether it stays on this site — rather than only a path under a fixed prefix.
 * `open` matches the literal text before the first request-controlled piece when that text still
 * leaves the destination open (e.g. nothing, `https://`, or a lone `/` that `//evil.com` escapes).
 */
export function decidesDestination(node: ts.Node, flow: Flow, open: RegExp, depth = 0): boolean {
  if (depth > 8) return false;
  const again = (next: ts.Node): boolean => decidesDestination(next, flow, open, depth + 1);
  if (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return again(node.expression);
  if (ts.isPropertyAccessExpression(node) && /^(?:href|origin)$/.test(node.name.text)) return again(node.expression);
  if (ts.isIdentifier(node)) {
    const from = sourcesOf(node.text, flow.fn);
    return from.length > 0 ? from.some(again) : flow.carries(node);
  }
  // `new URL(input, base)`: an absolute input replaces the base; a relative one keeps the base's host.
  if (ts.isNewExpression(node) && calleeName(node) === 'URL') {
    const [input, base] = node.arguments ?? [];
    return !!input && (again(input) || (!!base && !/^[a-z][\w+.-]*:/i.test(stringValue(input) ?? '') && flow.carries(base)));
  }
  const parts = pieces(node);
  if (!parts) return flow.carries(node);
  const at = parts.findIndex((part) => typeof part !== 'string' && flow.carries(part));
  return at >= 0 && open.test(parts.slice(0, at).map((part) => (typeof part === 'string' ? part : '\0')).join(''));
}

/** A template or `+` chain as literal text and expressions, left to right; undefined for anything else. */
export function pieces(node: ts.Node): (string | ts.Expression)[] | undefined {
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.flatMap((span) => [span.expression, span.literal.text])];
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.PlusToken) return undefined;
  const side = (n: ts.Expression) => pieces(n) ?? [stringValue(n) ?? n];
  return [...side(node.left), ...side(node.right)];
}

/** A check on the request data before `sink`: a call whose name matches `guard`, or a host/origin comparison. */
export function guardedBefore(flow: Flow, sink: ts.Node, guard: RegExp): boolean {
  return findNodes(flow.fn, (n): n is ts.CallExpression | ts.BinaryExpression => ts.isCallExpression(n) || ts.isBinaryExpression(n)).some(
    (n) =>
      n !== sink &&
      n.end <= sink.end &&
      (ts.isCallExpression(n) ? guard.test(calleeName(n).split('.').pop()!) : /[!=]==?/.test(n.operatorToken.getText()) && /\.(?:host|hostname|origin)\b/.test(n.getText())) &&
      flow.scope.mentions(n),
  );
}

/** A queue job's processor: BullMQ `new Worker(name, fn)`, Bull/Bee `queue.process(fn)`, Agenda `define(name, fn)`, pg-boss `work(name, fn)`. */
function isJobProcessor(fn: ts.FunctionLikeDeclaration): boolean {
  const call = fn.parent;
  if (!(ts.isCallExpression(call) || ts.isNewExpression(call)) || !call.arguments?.includes(fn as ts.Expression)) return false;
  const name = calleeName(call);
  return (ts.isNewExpression(call) && /(?:^|\.)Worker$/.test(name)) || /\.(?:process|define|work)$/.test(name);
}

/**
 * Like requestFlow, for the payload of a queue job (`job.data`): whoever enqueued it may have copied it from a
 * request, so a worker must treat it as untrusted where it decides a destination.
 */
export function jobFlow(node: ts.Node, pass: RegExp): Flow | undefined {
  let fn = enclosingFunction(node);
  while (fn && !isJobProcessor(fn)) fn = enclosingFunction(fn);
  const param = fn?.parameters[0]?.name;
  if (!fn || !param) return undefined;
  const handler = fn, seen = new Set<ts.Node>();
  const job = ts.isIdentifier(param) ? param.text : undefined;
  const data = ts.isObjectBindingPattern(param) ? param.elements.filter((el) => (el.propertyName ?? el.name).getText() === 'data').map((el) => el.name.getText()) : [];
  const carries = (n: ts.Node): boolean => {
    if (seen.has(n)) return false;
    seen.add(n);
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'data' && ts.isIdentifier(n.expression) && n.expression.text === job) return true;
    if (ts.isIdentifier(n)) return data.includes(n.text) || sourcesOf(n.text, handler).some(carries);
    if (ts.isParenthesizedExpression(n) || ts.isAwaitExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || (ts.isPropertyAccessExpression(n) && n.name.text !== 'length') || ts.isElementAccessExpression(n)) return carries(n.expression);
    if (ts.isTemplateExpression(n)) return n.templateSpans.some((span) => carries(span.expression));
    if (ts.isBinaryExpression(n)) return KEEPS.includes(n.operatorToken.kind) && (carries(n.left) || carries(n.right));
    if (!(ts.isCallExpression(n) || ts.isNewExpression(n)) || !pass.test(calleeName(n))) return false;
    return [...(n.arguments ?? []), ...(ts.isPropertyAccessExpression(n.expression) ? [n.expression.expression] : [])].some(carries);
  };
  const flow = (n: ts.Node): boolean => (seen.clear(), carries(n));
  const mentions = (n: ts.Node): boolean => flow(n) || n.getChildren().some((child) => mentions(child));
  return { fn, scope: { mentions }, carries: flow };
}
