import { calleeName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { bindings } from '../support/imports.js';
import { requestFlow } from '../support/request-flow.js';
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
  scope: 'file',
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
