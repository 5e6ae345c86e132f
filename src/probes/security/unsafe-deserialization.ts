import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, enclosingFunction, findNodes, lineOf, propertyOf, stringValue, ts, walkNodes } from '../support/ast.js';
import { isRequestRead, TaintScope } from '../support/taint.js';
import { defineProbe, type Hit } from '../types.js';

const PASS = /^(?:String|Buffer\.from|decodeURIComponent|decodeURI|atob)$|\.(?:toString|trim)$/;
/** js-yaml schemas that only build plain data. */
const SAFE_SCHEMA = /(?:SAFE|JSON|CORE|FAILSAFE)_SCHEMA/;
const VM_RUN = /^(?:runInNewContext|runInThisContext|runInContext)$/;

export default defineProbe({
  meta: {
    id: 'unsafe-deserialization',
    title: 'Data deserialised with a parser that can run code',
    category: 'Security',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-502',
    confidence: 'high',
    description: 'Data is deserialised by something that can execute it: node-serialize `unserialize`, js-yaml `load` with a JavaScript-capable schema on request data, or `eval`/`vm` of serialised text.',
    impact: 'A crafted payload (a `_$$ND_FUNC$$_` function, a `!!js/function` tag, an expression instead of JSON) runs code on the server with its credentials (remote code execution).',
    remediation: 'Parse data with JSON.parse or a schema validator, load YAML with js-yaml 4 `load` (or `safeLoad` / `JSON_SCHEMA` on 3.x), and remove node-serialize.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.hasDependency('node-serialize', 'js-yaml', 'serialize-javascript') || ctx.scripts(['node-serialize', 'js-yaml', 'eval(', 'runIn']).length > 0,
  detect(ctx) {
    return ctx.scripts(['node-serialize', 'js-yaml', 'eval', 'Function', 'runIn']).flatMap((file) => {
      const sf = ctx.ast(file);
      const nodeSerialize = bindings(sf, /^node-serialize$/), yaml = bindings(sf, /^js-yaml$/), vm = bindings(sf, /^(?:node:)?vm$/);
      const roundTrip = /['"]serialize-javascript['"]/.test(file.text);
      return findNodes(sf, (n): n is ts.CallExpression | ts.NewExpression => ts.isCallExpression(n) || ts.isNewExpression(n)).flatMap((call): Hit[] => {
        const callee = call.expression;
        const [input, options] = call.arguments ?? [];
        if (!input) return [];
        const method = (b: Bindings) => (ts.isIdentifier(callee) ? b.named.get(callee.text) : ts.isPropertyAccessExpression(callee) && b.ns.has(callee.expression.getText()) ? callee.name.text : undefined);
        if (method(nodeSerialize) === 'unserialize' && stringValue(input) === undefined) {
          return fromRequest(input)
            ? [{ file, line: lineOf(call), message: 'node-serialize unserialize() runs on request data: a serialised function (`_$$ND_FUNC$$_`) in it executes on the server.' }]
            : [{ file, line: lineOf(call), severity: 'HIGH', message: 'node-serialize unserialize() executes functions embedded in its input; whatever reaches it (cookies, cache, queue messages) can run code. Use JSON.parse.' }];
        }
        if (/^load(?:All)?$/.test(method(yaml) ?? '') && fromRequest(input) && unsafeYaml(ctx, file, options)) {
          return [{ file, line: lineOf(call), message: 'js-yaml load() parses request data with a schema that builds JavaScript (js-yaml 3 default or DEFAULT_FULL_SCHEMA): a `!!js/function` tag runs code.' }];
        }
        const evaluated = ts.isIdentifier(callee) && callee.text === 'eval' ? input : ts.isIdentifier(callee) && callee.text === 'Function' ? call.arguments!.at(-1) : VM_RUN.test(method(vm) ?? '') ? input : undefined;
        // Request data in eval is code-exec-with-request-data's finding; this one is about data from anywhere else.
        if (!evaluated || !evalsData(evaluated) || requestFlow(evaluated, PASS)?.scope.mentions(evaluated)) return [];
        return [{ file, line: lineOf(call), severity: roundTrip ? 'HIGH' : 'MEDIUM', message: `Serialised text is turned back into data by evaluating it as JavaScript${roundTrip ? ' (a serialize-javascript round trip)' : ''}; any code in it runs. Use JSON.parse.` }];
      });
    });
  },
});

/** The deserialise-by-eval idioms: `'(' + text + ')'`, `` `(${text})` ``, `'return ' + text`. */
function evalsData(code: ts.Expression): boolean {
  const parts = ts.isTemplateExpression(code) ? [code.head.text, ...code.templateSpans.flatMap((s) => [s.expression, s.literal.text])] : ts.isBinaryExpression(code) ? [code.left, code.right].flatMap((side) => (ts.isBinaryExpression(side) ? [side.left, side.right] : [side])).map((p) => stringValue(p) ?? p) : [];
  const text = parts.map((p) => (typeof p === 'string' ? p : '\0')).join('').trim();
  return parts.filter((p) => typeof p !== 'string').length === 1 && /^(?:\(\s*\0\s*\)|return\s+\0;?)$/.test(text);
}

/** js-yaml before 4 loads JavaScript types by default; any version does with a full or js-types schema. */
function unsafeYaml(ctx: ProbeContext, file: SourceFile, options: ts.Expression | undefined): boolean {
  const schema = options && ts.isObjectLiteralExpression(options) ? propertyOf(options, 'schema')?.getText() : undefined;
  if (schema !== undefined) return /FULL_SCHEMA/.test(schema) || (!SAFE_SCHEMA.test(schema) && /js-yaml-js-types/.test(file.text));
  return (jsYamlMajor(ctx, file.path) ?? 4) < 4;
}

/** Major version of js-yaml in the closest package.json that declares it. */
function jsYamlMajor(ctx: ProbeContext, path: string): number | undefined {
  const declaring = ctx.view.files.filter((f) => /(?:^|\/)package\.json$/.test(f.path) && path.startsWith(f.path.slice(0, -'package.json'.length)) && f.text.includes('"js-yaml"'));
  const nearest = declaring.sort((a, b) => b.path.length - a.path.length)[0];
  const spec = nearest && /"js-yaml"\s*:\s*"[^"\d]*(\d+)/.exec(nearest.text);
  return spec ? Number(spec[1]) : undefined;
}

const fromRequest = (node: ts.Expression): boolean => requestFlow(node, PASS)?.carries(node) ?? false;

// Request flow: the same small helper in each injection probe, until support/taint.ts has a sanitiser-aware one.
const REQUEST_PARAM = /^(?:req|request|_req|ctx|context|c|event)$/;
const KEEPS = [ts.SyntaxKind.PlusToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken];
type Flow = { fn: ts.FunctionLikeDeclaration; scope: TaintScope; carries: (node: ts.Node) => boolean };

/**
 * The innermost request handler around `node`, and whether request content reaches an expression through locals and
 * `pass` calls: a validator's result or a lookup keyed by request data (`TEMPLATES[req.query.x]`) does not carry it.
 * `read` filters request reads by field (body, query, headers, json, a Nest decorator's name).
 */
function requestFlow(node: ts.Node, pass: RegExp, read: (field: string, node: ts.Node) => boolean = () => true): Flow | undefined {
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
    if (ts.isIdentifier(n)) return from.length > 0 ? from.some(carries) : scope.mentions(n) && fieldOf(n, handler) !== 'pipe' && read(fieldOf(n, handler), n);
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
function sourcesOf(name: string, fn: ts.Node): ts.Node[] {
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
function fieldOf(n: ts.Node, fn: ts.FunctionLikeDeclaration): string {
  if (!ts.isIdentifier(n)) return (ts.isCallExpression(n) ? calleeName(n) : n.getText()).split('.').pop()!.toLowerCase();
  const param = fn.parameters.find((p) => (ts.isObjectBindingPattern(p.name) ? p.name.elements.some((el) => el.name.getText() === n.text) : p.name.getText() === n.text));
  const decorator = param && /^@(\w+)\(([^)]*)\)/.exec(param.getText());
  return decorator ? (/Pipe\b/.test(decorator[2]!) ? 'pipe' : decorator[1]!.toLowerCase()) : n.text.toLowerCase();
}

function handlesRequest(fn: ts.FunctionLikeDeclaration): boolean {
  return fn.parameters.some((p, i) => (i === 0 && REQUEST_PARAM.test(p.name.getText())) || /^@(?:Body|Query|Param|Headers|Req)\b/.test(p.getText()) || (i === 0 && /^\{[^}]*\b(?:body|query|params|searchParams|request)\b/.test(p.name.getText())));
}

type Bindings = { ns: Set<string>; named: Map<string, string> };

/** Top-level names bound to a module by `import`/`require`: the module itself (`ns`) and its exports (local → exported). */
function bindings(sf: ts.SourceFile, module: RegExp): Bindings {
  const result: Bindings = { ns: new Set(), named: new Map() };
  for (const st of sf.statements) {
    const decl = ts.isVariableStatement(st) ? st.declarationList.declarations.find((d) => d.initializer && ts.isCallExpression(d.initializer) && d.initializer.expression.getText() === 'require') : undefined;
    const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
    if (!module.test((clause ? stringValue((st as ts.ImportDeclaration).moduleSpecifier) : decl && stringValue((decl.initializer as ts.CallExpression).arguments[0])) ?? '')) continue;
    const local = clause ? clause.name ?? (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings) ? clause.namedBindings.name : undefined) : decl?.name;
    if (local && ts.isIdentifier(local)) result.ns.add(local.text);
    const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : decl && ts.isObjectBindingPattern(decl.name) ? decl.name.elements : [];
    for (const el of named) result.named.set(el.name.getText(), (el.propertyName ?? el.name).getText());
  }
  return result;
}
