import { calleeName, enclosingFunction, findNodes, lineOf, stringValue, ts, walkNodes } from '../support/ast.js';
import { isRequestRead, TaintScope } from '../support/taint.js';
import { defineProbe, type Hit } from '../types.js';

/** Template engines and their calls that compile a template source (an empty name: the module is the function). */
const ENGINES: Record<string, string[]> = {
  ejs: ['render', 'compile'], handlebars: ['compile', 'precompile'], pug: ['compile', 'render', 'compileClient'], jade: ['compile', 'render'],
  nunjucks: ['renderString', 'compile'], lodash: ['template'], 'lodash.template': [''], 'lodash/template': [''], dot: ['template', 'compile'], eta: ['renderString', 'compile'],
};
const PASS = /^(?:String|JSON\.stringify|decodeURIComponent|decodeURI|Buffer\.from)$|\.(?:toString|trim|toLowerCase|toUpperCase|concat|join)$/;
const SEND_HTML = /^(?:res|response)(?:\.\w+\(\))*\.(?:send|write|end)$/;
const NOT_HTML = /\.type\(\s*['"](?:text|txt|json|text\/plain|application\/json)['"]|text\/plain|application\/json/;
/** Signs that an engine renders the app's HTML pages (not emails or config text). */
const SERVES_HTML = /['"]view engine['"]|\bapp\.engine\(|\bexpress\s*:|express-handlebars|\bres\.(?:send|render)\(/;

export default defineProbe({
  meta: {
    id: 'template-injection',
    title: 'Template compiled from request data, or output escaping turned off',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-1336',
    confidence: 'medium',
    description: 'Request data is compiled as a template (ejs, Handlebars, Pug, Nunjucks, lodash `template`, doT, Eta), HTML escaping is turned off (`autoescape: false`, `noEscape: true`), or request data is sent inside hand-built HTML.',
    impact: 'Template syntax in the input runs on the server (often remote code execution); unescaped output lets attackers run script in other users’ browsers (cross-site scripting).',
    remediation: 'Render only templates from the codebase and pass request data as template variables; keep autoescaping on and mark the rare trusted value safe explicitly; escape values put into HTML by hand, or render them through a template.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts(['render', 'compile', 'template', 'autoescape', 'noEscape', 'send', 'write', 'end'])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file) => {
        const sf = ctx.ast(file);
        const engines = Object.entries(ENGINES).map(([module, methods]) => ({ module, methods, ...bindings(sf, new RegExp(`^${module.replace('.', '\\.')}$`)) }));
        // Instances keep their engine: `const env = nunjucks.configure(…)`, `Handlebars.create()`, `new Eta()`.
        for (const decl of findNodes(sf, ts.isVariableDeclaration)) {
          const init = decl.initializer;
          const name = init && (ts.isCallExpression(init) || ts.isNewExpression(init)) ? calleeName(init) : '';
          const root = /^(?:\w+\.)?(?:configure|Environment|create|Eta)$/.test(name) ? name.split('.')[0]! : '';
          for (const engine of engines) if (engine.ns.has(root) || engine.named.has(root)) engine.ns.add(decl.name.getText());
        }
        const hits: Hit[] = [];
        for (const call of findNodes(sf, ts.isCallExpression)) {
          const callee = call.expression;
          const [source] = call.arguments;
          const engine = engines.find((e) =>
            ts.isIdentifier(callee) ? e.methods.includes(e.named.get(callee.text) ?? '-') || (e.methods[0] === '' && e.ns.has(callee.text)) : ts.isPropertyAccessExpression(callee) && e.ns.has(callee.expression.getText()) && e.methods.includes(callee.name.text),
          );
          if (engine && source && requestFlow(source, PASS)?.carries(source)) {
            hits.push({ file, line: lineOf(call), message: `Request data is compiled as a template by ${engine.module}: template syntax in it runs on the server (server-side template injection, often remote code execution).` });
          } else if (SEND_HTML.test(calleeName(call)) && source && sendsHtml(source, call)) {
            hits.push({ file, line: lineOf(call), message: `Request data is written into HTML sent by ${calleeName(call)}() without escaping (reflected cross-site scripting, CWE-79).` });
          }
        }
        const escaping = /['"](?:nunjucks|handlebars|express-handlebars|hbs)['"]/.test(file.text) && SERVES_HTML.test(file.text);
        for (const prop of escaping ? findNodes(sf, ts.isPropertyAssignment) : []) {
          const off = /^(?:autoescape|autoEscape)$/.test(prop.name.getText()) ? prop.initializer.kind === ts.SyntaxKind.FalseKeyword : prop.name.getText() === 'noEscape' && prop.initializer.kind === ts.SyntaxKind.TrueKeyword;
          if (off) hits.push({ file, line: lineOf(prop), message: `\`${prop.getText()}\` turns off HTML escaping, so every value a template prints is written raw (cross-site scripting, CWE-79).` });
        }
        return hits;
      });
  },
});

/** `res.send(`<p>${req.query.q}</p>`)`: an HTML string with request data in it, on a response not typed as text or JSON. */
function sendsHtml(body: ts.Expression, sink: ts.CallExpression): boolean {
  const flow = requestFlow(sink, PASS, (field) => !/^(?:headers|cookies|url|nexturl|req)$/.test(field));
  if (!flow || NOT_HTML.test(flow.fn.getText().slice(0, sink.end - flow.fn.getStart()))) return false;
  const from = ts.isIdentifier(body) ? sourcesOf(body.text, flow.fn) : [];
  const html = from.length === 1 ? from[0]! : body;
  const parts = ts.isTemplateExpression(html) ? [html.head.text, ...html.templateSpans.map((s) => s.literal.text)] : html.getText().match(/(['"])(?:\\.|(?!\1).)*\1/g) ?? [];
  return (ts.isTemplateExpression(html) || (ts.isBinaryExpression(html) && html.operatorToken.kind === ts.SyntaxKind.PlusToken)) && /<[a-z!/]/i.test(parts.join('')) && flow.carries(html);
}

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
