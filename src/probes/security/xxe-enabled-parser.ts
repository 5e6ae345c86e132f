import { calleeName, enclosingFunction, findNodes, lineOf, propertyOf, stringValue, ts, walkNodes } from '../support/ast.js';
import { isRequestRead, TaintScope } from '../support/taint.js';
import { defineProbe, type Hit } from '../types.js';

const LIBXML = /^libxmljs2?$/;
const PARSE = new Set(['parseXml', 'parseXmlString', 'parseXmlAsync']);
const PASS = /^(?:String|Buffer\.from|decodeURIComponent)$|\.(?:toString|trim)$/;
const SHELL = /^(?:exec|execSync|execFile|execFileSync|spawn|spawnSync)$/;

export default defineProbe({
  meta: {
    id: 'xxe-enabled-parser',
    title: 'XML parser expands external entities',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-611',
    confidence: 'high',
    description: 'XML is parsed with entity substitution turned on: libxmljs `parseXml(…, { noent: true })` or `xmllint --noent`.',
    impact: 'A DOCTYPE in the document makes the parser read local files (`file:///etc/passwd`, keys, env files) or call internal URLs, and echo them back (XML external entity attack).',
    remediation: 'Drop `noent` (libxmljs leaves entities unexpanded by default) and keep `nonet: true`; reject documents that carry a DOCTYPE if entities are never expected.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.hasDependency('libxmljs', 'libxmljs2') || ctx.scripts(['libxmljs', 'xmllint']).length > 0,
  detect(ctx) {
    return ctx.scripts(['libxmljs', 'xmllint']).flatMap((file) => {
      const sf = ctx.ast(file);
      const libxml = bindings(sf, LIBXML);
      return findNodes(sf, ts.isCallExpression).flatMap((call): Hit[] => {
        const callee = call.expression;
        const method = ts.isIdentifier(callee) ? libxml.named.get(callee.text) : ts.isPropertyAccessExpression(callee) && libxml.ns.has(callee.expression.getText()) ? callee.name.text : undefined;
        const [input, options] = call.arguments;
        if (method && PARSE.has(method) && input && options && expandsEntities(options, sf) && stringValue(input) === undefined) {
          return fromRequest(input)
            ? [{ file, line: lineOf(call), message: `Request XML is parsed by libxmljs ${method}() with \`noent: true\`: a DOCTYPE in it can read local files or call internal URLs (XXE).` }]
            : [{ file, line: lineOf(call), severity: 'MEDIUM', message: `libxmljs ${method}() expands entities (\`noent: true\`): any document from outside the codebase can read local files through a DOCTYPE (XXE).` }];
        }
        // `execFile('xmllint', ['--noent', path])`: the CLI form of the same switch.
        const args = call.arguments.map((arg) => arg.getText()).join(' ');
        if (SHELL.test(calleeName(call).split('.').pop()!) && /\bxmllint\b/.test(args) && /['"`\s]--noent\b/.test(args)) {
          return [{ file, line: lineOf(call), message: 'xmllint runs with `--noent`, expanding external entities: a DOCTYPE in the document can read local files (XXE).' }];
        }
        return [];
      });
    });
  },
});

/** `{ noent: true }` inline, or a module-level options object that sets it. */
function expandsEntities(options: ts.Expression, sf: ts.SourceFile): boolean {
  let literal: ts.Node | undefined = options;
  if (ts.isIdentifier(options)) literal = findNodes(sf, ts.isVariableDeclaration).find((d) => d.name.getText() === options.text)?.initializer;
  return !!literal && ts.isObjectLiteralExpression(literal) && propertyOf(literal, 'noent')?.kind === ts.SyntaxKind.TrueKeyword;
}

function fromRequest(node: ts.Expression): boolean {
  return requestFlow(node, PASS)?.carries(node) ?? false;
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
