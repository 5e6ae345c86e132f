import { calleeName, enclosingFunction, findNodes, lineOf, propertyOf, stringValue, ts, walkNodes } from '../support/ast.js';
import { isRequestRead, TaintScope } from '../support/taint.js';
import { defineProbe } from '../types.js';

const FS_MODULE = /^(?:node:)?fs(?:\/promises)?$|^(?:fs-extra|graceful-fs)$/;
const ONE_PATH = ['readFile', 'readFileSync', 'createReadStream', 'createWriteStream', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'readdir', 'readdirSync', 'open', 'openSync', 'outputFile', 'remove', 'removeSync', 'readJson', 'readJsonSync'];
const TWO_PATHS = ['copyFile', 'copyFileSync', 'rename', 'renameSync', 'copy', 'move'];
/** Calls that keep request data as it is; `path.basename`, lookups and validators are not among them. */
const PASS = /^(?:String|decodeURIComponent|decodeURI|path\.(?:join|resolve|normalize)|join|resolve|normalize)$|\.(?:toString|trim|concat)$/;
/** Checks that keep a path inside a folder or pick it from a fixed set. */
const GUARD = /^(?:startsWith|includes|has|indexOf|test|match|relative|basename)$|inside|contain|sanitiz|safe|allow|valid|whitelist/i;

export default defineProbe({
  meta: {
    id: 'path-traversal',
    title: 'File path built from request data',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-22',
    confidence: 'medium',
    description: 'Request data names the file an `fs` call, `res.sendFile` or `res.download` opens, writes or deletes, with no containment check, basename or allow-list in the handler.',
    impact: 'An attacker reads, overwrites or deletes files outside the intended folder with `../` or an absolute path: source code, secrets, keys, other users’ uploads.',
    remediation: 'Keep only a file name (`path.basename`) or map an id to a fixed path; otherwise `path.resolve(base, input)` and reject it unless it starts with `base + path.sep`. Give `res.sendFile` a `root`.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts(['fs', 'sendFile', 'download'])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file) => {
        const sf = ctx.ast(file);
        const fs = bindings(sf, FS_MODULE);
        return findNodes(sf, ts.isCallExpression).flatMap((call) => {
          const sink = sinkOf(call, fs);
          const reached = sink?.paths.some((arg) => {
            const flow = requestFlow(arg, PASS, notServerChosen);
            return flow !== undefined && flow.carries(arg) && !guarded(flow, call);
          });
          return reached ? [{ file, line: lineOf(call), message: `Request data decides the path given to ${sink!.name}(), with no check that it stays inside the intended folder.` }] : [];
        });
      });
  },
});

function sinkOf(call: ts.CallExpression, fs: Bindings): { name: string; paths: ts.Expression[] } | undefined {
  const callee = call.expression;
  const [a, b] = call.arguments;
  const sink = (name: string) => (ONE_PATH.includes(name) ? { name, paths: [a!] } : TWO_PATHS.includes(name) ? { name, paths: [a!, b!] } : undefined);
  if (!a) return undefined;
  if (ts.isIdentifier(callee)) return sink(fs.named.get(callee.text) ?? '');
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const owner = callee.expression;
  // send (behind res.sendFile) refuses a path that leaves its `root`.
  if (/^(?:sendFile|download)$/.test(callee.name.text) && /^(?:res|response)$/.test(owner.getText())) {
    return call.arguments.some((arg) => ts.isObjectLiteralExpression(arg) && propertyOf(arg, 'root')) ? undefined : { name: `res.${callee.name.text}`, paths: [a] };
  }
  const isFs = ts.isIdentifier(owner)
    ? fs.ns.has(owner.text) || fs.named.get(owner.text) === 'promises'
    : ts.isPropertyAccessExpression(owner) && owner.name.text === 'promises' && fs.ns.has(owner.expression.getText());
  return isFs ? sink(callee.name.text) : undefined;
}

/** Multer's `req.file.path` and `filename` are chosen by the server; `originalname` is the client's. */
function notServerChosen(field: string, node: ts.Node): boolean {
  let up = node.parent;
  while (ts.isElementAccessExpression(up) || ts.isNonNullExpression(up)) up = up.parent;
  return !/^files?$/.test(field) || !(ts.isPropertyAccessExpression(up) && /^(?:path|filename|destination|size|mimetype|buffer)$/.test(up.name.text));
}

/** A check on request data before the call: `full.startsWith(base)`, `ALLOWED.has(name)`, `/^\w+$/.test(id)`. */
function guarded(flow: Flow, sink: ts.Node): boolean {
  return findNodes(flow.fn, ts.isCallExpression).some((call) => call !== sink && call.end <= sink.end && GUARD.test(calleeName(call).split('.').pop()!) && flow.scope.mentions(call));
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
