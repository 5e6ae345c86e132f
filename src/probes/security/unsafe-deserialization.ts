import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, propertyOf, stringValue, ts, nodesOfKinds } from '../support/ast.js';
import { bindings, type Bindings } from '../support/imports.js';
import { requestFlow } from '../support/request-flow.js';
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
      return nodesOfKinds<ts.CallExpression | ts.NewExpression>(sf, [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression]).flatMap((call): Hit[] => {
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
