import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Where each client's per-call options sit: `axios.get(url, config)` vs `axios.post(url, data, config)`. */
const CONFIG_INDEX: Record<string, number> = { get: 1, delete: 1, head: 1, options: 1, post: 2, put: 2, patch: 2, postForm: 2, putForm: 2, patchForm: 2, request: 0 };
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
const WAITS: Record<string, string> = {
  fetch: "Node's fetch waits up to five minutes for a response before giving up",
  axios: 'axios waits forever by default',
  got: 'got waits forever by default',
};
const TIMEOUT_KEYS = new Set(['timeout', 'signal']);

export default defineProbe({
  meta: {
    id: 'http-call-without-timeout',
    title: 'Outbound HTTP call without a timeout',
    category: 'Reliability',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'reliability-auditor',
    cwe: 'CWE-400',
    confidence: 'medium',
    description: 'Server code calls another service with fetch, axios or got and sets no timeout or abort signal.',
    impact: 'When the other service hangs, requests pile up waiting on it until the server runs out of sockets, memory or workers.',
    remediation: 'Pass `signal: AbortSignal.timeout(ms)` to fetch, or create the axios/got client once with a `timeout` and use it everywhere.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    // A process-wide dispatcher or axios default covers every call, wherever it is set.
    const globals = ctx.scripts(['setGlobalDispatcher', 'defaults.timeout']);
    const fetchCovered = globals.some((f) => /\bsetGlobalDispatcher\s*\(/.test(f.text));
    const axiosCovered = globals.some((f) => /\baxios\.defaults\.timeout\s*=/.test(f.text));
    return ctx
      .scripts(['fetch(', 'axios', 'got'])
      .filter((file) => !/(?:^|\/)scripts?\//.test(file.path) && !ctx.isFrontEnd(file))
      .flatMap((file) => checkFile(ctx, file, fetchCovered, axiosCovered));
  },
});

function checkFile(ctx: ProbeContext, file: SourceFile, fetchCovered: boolean, axiosCovered: boolean): Hit[] {
  const sf = ctx.ast(file);
  const decls = findNodes(sf, ts.isVariableDeclaration);
  // Local names bound to an HTTP client that has no timeout of its own.
  const bare = new Map<string, string>();
  for (const imp of findNodes(sf, ts.isImportDeclaration)) {
    const from = ts.isStringLiteral(imp.moduleSpecifier) ? imp.moduleSpecifier.text : '';
    const name = imp.importClause?.name?.text;
    if (name && (from === 'axios' || from === 'got' || from === 'node-fetch')) bare.set(name, from === 'node-fetch' ? 'fetch' : from);
  }
  for (const decl of decls) {
    const init = decl.initializer;
    if (!ts.isIdentifier(decl.name) || !init || !ts.isCallExpression(init)) continue;
    const required = init.expression.getText() === 'require' ? init.arguments[0] : undefined;
    if (required && ts.isStringLiteral(required) && (required.text === 'axios' || required.text === 'got')) bare.set(decl.name.text, required.text);
    // `axios.create({ timeout })` / `got.extend({ timeout })` make a safe client; without one the instance is as bare as its root.
    const [root, method] = calleeName(init).split('.');
    const kind = root ? bare.get(root) : undefined;
    if ((kind === 'axios' && method === 'create') || (kind === 'got' && method === 'extend')) {
      const name = decl.name.text;
      const defaulted = new RegExp(`(?:^|[^\\w$])${name.replace(/\$/g, '\\$')}\\.defaults\\.(?:timeout|options\\.timeout)\\b`).test(file.text);
      if (!defaulted && !hasTimeout(init.arguments[0], decls)) bare.set(name, `${kind}-instance`);
    }
  }
  // A local `fetch` (a helper or a mock) is not the global one.
  if (!fetchCovered && !bare.has('fetch') && !decls.some((d) => d.name.getText() === 'fetch') && !/function\s+fetch\s*\(/.test(file.text)) bare.set('fetch', 'fetch');
  if (axiosCovered) for (const [name, kind] of bare) if (kind.startsWith('axios')) bare.delete(name);

  const hits: Hit[] = [];
  for (const call of findNodes(sf, ts.isCallExpression)) {
    const callee = call.expression;
    const first = call.arguments[0];
    let kind: string | undefined;
    let config: ts.Expression | undefined;
    if (ts.isIdentifier(callee)) {
      kind = bare.get(callee.text);
      // `axios(config)` and `axios(url, config)` are both valid.
      config = kind?.startsWith('axios') && first && ts.isObjectLiteralExpression(first) ? first : call.arguments[1];
      if (kind === 'fetch' && first && /^['"`]\//.test(first.getText())) continue; // same-origin path: browser code
    } else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      kind = bare.get(callee.expression.text);
      const method = callee.name.text;
      const index = kind?.startsWith('got') ? (GOT_METHODS.has(method) ? 1 : undefined) : CONFIG_INDEX[method];
      if (index === undefined) continue;
      config = call.arguments[index];
    }
    if (!kind || hasTimeout(config, decls) || isWrappedInTimeout(call)) continue;
    hits.push({ file, line: lineOf(call), message: `${calleeName(call)}(...) sets no timeout: ${WAITS[kind.replace('-instance', '')]}.` });
  }
  return hits;
}

/** Options that set a timeout, or that cannot be read (spread, built elsewhere): only a visibly missing timeout counts. */
function hasTimeout(options: ts.Expression | undefined, decls: ts.VariableDeclaration[]): boolean {
  if (!options) return false;
  if (ts.isIdentifier(options)) {
    const found = decls.filter((d) => ts.isIdentifier(d.name) && d.name.text === options.text);
    const init = found.length === 1 ? found[0]!.initializer : undefined;
    return !(init && ts.isObjectLiteralExpression(init)) || hasTimeout(init, decls);
  }
  if (!ts.isObjectLiteralExpression(options)) return true;
  return options.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && TIMEOUT_KEYS.has(p.name.getText().replace(/['"]/g, ''))));
}

/** `Promise.race([fetch(u), timeout(5000)])` or `pTimeout(fetch(u), ...)` bound the call from outside. */
function isWrappedInTimeout(call: ts.CallExpression): boolean {
  for (let node: ts.Node = call; node.parent && !ts.isStatement(node.parent); node = node.parent) {
    const parent = node.parent;
    if (ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression) && /race|timeout/i.test(calleeName(parent))) return true;
  }
  return false;
}
