import { findNodes, propertyOf, stringValue, ts } from './ast.js';

const HTTP_MODULES = /^(?:express|fastify|koa|@nestjs\/core|(?:node:)?https?|http2|hono|@hono\/node-server|restify|@hapi\/hapi|polka|next)$/;
/** How TCP, TLS, UDP and WebSocket servers are built: they listen on a port too, but speak no HTTP. */
const NON_HTTP_SERVER = /\b(?:net|tls|dgram)\.create|WebSocket|\bnew\s+(?:net\.)?Server\b|createConnection/;
/** Receivers named for a socket server (`wss.listen`, `io.listen`, `tcpServer.listen`). */
const HAPI_SERVER = /^(?:await\s+)?(?:new\s+)?(?:Hapi|hapi)\.[sS]erver\(/;
const NON_HTTP_RECEIVER = /\b(?:wss?|io|socket|tcp|net|grpc)\w*$/i;

/**
 * `app.listen(PORT)`, `server.listen({ port })` calls that start an HTTP server: the file imports a
 * server framework or `http`, or the receiver is an app built locally (`import app from './app'`,
 * `const app = createApp()` from a local module, `http.createServer(…)`, `express()`).
 */
export function httpListenCalls(sf: ts.SourceFile): ts.CallExpression[] {
  const imported = new Map<string, string>();
  const imports = findNodes(sf, ts.isImportDeclaration);
  for (const imp of imports) {
    const from = stringValue(imp.moduleSpecifier) ?? '';
    for (const name of importedNames(imp)) imported.set(name, from);
  }
  const calls = findNodes(sf, ts.isCallExpression);
  const requires = calls.filter((c) => c.expression.getText() === 'require').map((c) => stringValue(c.arguments[0]) ?? '');
  const importsHttp = [...imports.map((imp) => stringValue(imp.moduleSpecifier) ?? ''), ...requires].some((from) => HTTP_MODULES.test(from));
  const importsLocalApp = imports.some((imp) => (stringValue(imp.moduleSpecifier) ?? '').startsWith('.') && /\b(?:app|server|api)\b/i.test(imp.importClause?.getText() ?? ''));
  const declarations = new Map(findNodes(sf, ts.isVariableDeclaration).map((d) => [d.name.getText(), d.initializer?.getText() ?? '']));

  return calls.filter((call) => {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee)) return false;
    const receiver = callee.expression.getText().replace(/^this\./, '');
    const declared = declarations.get(receiver) ?? '';
    // hapi: `const server = Hapi.server({ port }); await server.start()`.
    if (callee.name.text === 'start' && call.arguments.length === 0) return HAPI_SERVER.test(declared);
    if (callee.name.text !== 'listen' || !isPortLike(call.arguments[0])) return false;
    if (NON_HTTP_SERVER.test(declared) || NON_HTTP_RECEIVER.test(callee.expression.getText())) return false;
    const factory = /^(?:await\s+)?([\w$]+)\(/.exec(declared)?.[1];
    const fromLocalModule = /app|server|api/i.test(receiver) && [receiver, factory].some((name) => name !== undefined && (imported.get(name) ?? '').startsWith('.'));
    return importsHttp || importsLocalApp || fromLocalModule || /createServer|express\(|fastify\(|NestFactory/i.test(declared);
  });
}

function isPortLike(arg: ts.Expression | undefined): boolean {
  if (!arg) return false;
  if (ts.isNumericLiteral(arg)) return true;
  if (ts.isObjectLiteralExpression(arg)) return propertyOf(arg, 'port') !== undefined;
  return /port/i.test(arg.getText());
}

function importedNames(imp: ts.ImportDeclaration): string[] {
  const clause = imp.importClause;
  if (!clause) return [];
  const names = clause.name ? [clause.name.text] : [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
  if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((e) => e.name.text));
  return names;
}
