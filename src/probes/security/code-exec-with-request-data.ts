import { findNodes, isFunctionLike, lineOf, propertyOf, stringValue, ts, nodesOfKinds } from '../support/ast.js';
import { importsOf as moduleImports, type Imports } from '../support/imports.js';
import { TaintScope } from '../support/taint.js';
import { defineProbe } from '../types.js';

type Sink = { kind: 'code' | 'command'; name: string; args: readonly ts.Expression[] };

const VM_SINKS = new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction', 'Script']);
/** Run their first argument through a shell. */
const SHELL_SINKS = new Set(['exec', 'execSync']);
const REQUEST_PARAM = /^(?:req|request|_req|ctx|context|c|event)$/;
/** Run a program without a shell, unless `shell: true` is passed. */
const SPAWN_SINKS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync']);

export default defineProbe({
  meta: {
    id: 'code-exec-with-request-data',
    title: 'Request data executed as code or shell command',
    category: 'Security',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-94',
    confidence: 'high',
    description: 'Request data reaches `eval`, `new Function`, the `vm` module or a shell command (`exec`, `spawn` with `shell: true`).',
    impact: 'An attacker runs arbitrary code or commands on the server, with its credentials and network access (remote code execution).',
    remediation: 'Never evaluate input: parse it (JSON.parse, a schema), map it to a fixed set of actions, and run programs with `execFile`/`spawn` and an argument array, no shell.',
    effort: 'hours',
  },
  scope: 'file',
  detect(ctx) {
    return ctx.scripts(['eval', 'Function', 'vm', 'child_process', 'shelljs']).flatMap((file) => {
      const sf = ctx.ast(file);
      const modules = {
        child: importsOf(sf, /^(?:node:)?child_process$|^shelljs$/),
        vm: importsOf(sf, /^(?:node:)?vm$/),
      };
      const calls = nodesOfKinds<ts.CallExpression | ts.NewExpression>(sf, [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression]);
      return calls.flatMap((call) => {
        const sink = sinkOf(call, modules);
        if (!sink || !sink.args.some((arg) => tainted(arg))) return [];
        const message =
          sink.kind === 'command'
            ? `Request data is spliced into a shell command run by ${sink.name}() (OS command injection, CWE-78).`
            : `Request data is executed as JavaScript by ${sink.name} (code injection).`;
        return [{ file, line: lineOf(call), message }];
      });
    });
  },
});

/** `importsOf`, plus `promisify(exec)` bindings. */
function importsOf(sf: ts.SourceFile, module: RegExp): Imports {
  const result = moduleImports(sf, module);
  // `const run = promisify(exec)` keeps the sink under a new name; a second pass sees the names found above.
  for (const node of findNodes(sf, ts.isVariableDeclaration)) {
    if (ts.isIdentifier(node.name) && node.initializer && ts.isCallExpression(node.initializer) && /promisify$/.test(node.initializer.expression.getText())) {
      const wrapped = node.initializer.arguments[0];
      const original = wrapped && resolve(wrapped, result);
      if (original) result.named.set(node.name.text, original);
    }
  }
  return result;
}

/** The module export an expression names: `exec`, `cp.exec`, `require('child_process').exec`. */
function resolve(expr: ts.Expression, imports: Imports): string | undefined {
  if (ts.isIdentifier(expr)) return imports.named.get(expr.text);
  if (!ts.isPropertyAccessExpression(expr)) return undefined;
  const owner = expr.expression;
  if (ts.isIdentifier(owner) && imports.namespaces.has(owner.text)) return expr.name.text;
  return undefined;
}

function sinkOf(call: ts.CallExpression | ts.NewExpression, modules: { child: Imports; vm: Imports }): Sink | undefined {
  const args = call.arguments ?? [];
  const callee = call.expression;
  if (ts.isIdentifier(callee) && (callee.text === 'eval' || callee.text === 'Function')) return { kind: 'code', name: callee.text, args: callee.text === 'eval' ? args.slice(0, 1) : args };
  const vmName = resolve(callee, modules.vm);
  if (vmName && VM_SINKS.has(vmName)) return { kind: 'code', name: `vm.${vmName}`, args: args.slice(0, 1) };
  const childName = resolve(callee, modules.child) ?? requiredChildProcess(callee);
  if (!childName || !ts.isCallExpression(call)) return undefined;
  if (SHELL_SINKS.has(childName)) return { kind: 'command', name: childName, args: args.slice(0, 1) };
  if (SPAWN_SINKS.has(childName) && args.some((arg) => ts.isObjectLiteralExpression(arg) && usesShell(arg))) return { kind: 'command', name: childName, args: args.slice(0, 2) };
  return undefined;
}

/** `require('child_process').exec(...)` with no binding in between. */
function requiredChildProcess(callee: ts.Expression): string | undefined {
  if (!ts.isPropertyAccessExpression(callee) || !ts.isCallExpression(callee.expression)) return undefined;
  const req = callee.expression;
  return req.expression.getText() === 'require' && /^(?:node:)?child_process$/.test(stringValue(req.arguments[0]) ?? '') ? callee.name.text : undefined;
}

function usesShell(options: ts.ObjectLiteralExpression): boolean {
  const shell = propertyOf(options, 'shell');
  return !!shell && (shell.kind === ts.SyntaxKind.TrueKeyword || stringValue(shell) !== undefined);
}

/** Request data in a handler around the sink: the sink often sits in a callback (`new Promise(…)`) inside the handler. */
function tainted(arg: ts.Expression): boolean {
  for (let current = arg.parent; current; current = current.parent) {
    if (isFunctionLike(current) && handlesRequest(current) && new TaintScope(current).mentions(arg)) return true;
  }
  return false;
}

/**
 * TaintScope treats any first parameter's `.url`/`.query` as request data; a CLI helper's `opts.url`
 * is not, so only functions that take a request (by name, Nest decorator or destructuring) count.
 */
function handlesRequest(fn: ts.FunctionLikeDeclaration): boolean {
  return fn.parameters.some((param, index) => {
    if (ts.isIdentifier(param.name) && index === 0 && REQUEST_PARAM.test(param.name.text)) return true;
    if (ts.canHaveDecorators(param) && (ts.getDecorators(param) ?? []).some((d) => /^(?:Body|Query|Param|Headers|Req)\b/.test(d.expression.getText()))) return true;
    return index === 0 && ts.isObjectBindingPattern(param.name) && param.name.elements.some((el) => /^(?:body|query|params|searchParams|request)$/.test((el.propertyName ?? el.name).getText()));
  });
}
