import { calleeName, findNodes, lineOf, ts } from '../support/ast.js';
import { bindings } from '../support/imports.js';
import { requestFlow, sourcesOf } from '../support/request-flow.js';
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

/** Compiled once: the probe looks each engine up in every file it reads. */
const ENGINE_MODULES = Object.entries(ENGINES).map(([module, methods]) => ({ module, methods, pattern: new RegExp(`^${module.replace('.', '\\.')}$`) }));

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
  scope: 'file',
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts(['render', 'compile', 'template', 'autoescape', 'noEscape', 'send', 'write', 'end'])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file) => {
        const sf = ctx.ast(file);
        const engines = ENGINE_MODULES.map(({ module, methods, pattern }) => ({ module, methods, ...bindings(sf, pattern) }));
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
