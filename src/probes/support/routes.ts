import type { SourceFile } from '../../repo/view.js';
import { calleeName, enclosingFunction, expressionName, isFunctionLike, lineOf, propertyOf, stringValue, ts, walkNodes, nodesOfKinds } from './ast.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ALL'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const MUTATING: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL']);

export type Framework = 'express' | 'fastify' | 'nextjs' | 'nestjs' | 'hapi';

/**
 * A hapi route's own `options.auth` (or `config.auth`): `'off'` for `auth: false`, `'optional'` for mode
 * `'try'`/`'optional'`, `'required'` for a strategy or mode `'required'`; undefined when the route does not
 * say, and the server's `server.auth.default(...)` decides.
 */
export type HapiAuth = 'off' | 'optional' | 'required';

/** An HTTP route found in the source, whatever framework declared it. */
export interface Route {
  readonly file: SourceFile;
  readonly line: number;
  readonly method: HttpMethod;
  readonly path: string;
  readonly framework: Framework;
  /** Source text of what runs before the handler: middleware args, preHandler hooks, Nest guards. */
  readonly guards: readonly string[];
  /** The handler function, when it is written inline (or is a Nest method). */
  readonly handler: ts.FunctionLikeDeclaration | undefined;
  /** The receiver the route was registered on (`app`, `router`, `fastify`), for Express/Fastify. */
  readonly receiver?: string;
  /** The function the registration sits in (a Fastify plugin, a router factory), or undefined at top level. */
  readonly scope?: ts.Node;
  /** hapi only: the route's own auth setting (see HapiAuth). */
  readonly auth?: HapiAuth;
  /** hapi only: the route's `options.validate` (payload, params, query schemas), when it declares one. */
  readonly validate?: ts.ObjectLiteralExpression;
}

/** App-wide middleware registration: `app.use(...)`, `fastify.addHook(...)`, `fastify.register(...)`. */
export interface Middleware {
  readonly file: SourceFile;
  readonly line: number;
  readonly receiver: string;
  readonly text: string;
  /** As Route.scope: middleware only covers routes registered in the same function. */
  readonly scope?: ts.Node;
}

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all']);
const NEXT_ROUTE_FILE = /(?:^|\/)app\/(.*\/)?route\.[cm]?[jt]sx?$/;
const NEXT_PAGES_API = /(?:^|\/)pages\/api\/(.+)\.[cm]?[jt]sx?$/;

/** `hapi`: the target depends on hapi and not on Fastify, so route config objects are hapi's. */
export function extractRoutes(file: SourceFile, sf: ts.SourceFile, options: { hapi?: boolean } = {}): { routes: Route[]; middleware: Middleware[] } {
  const routes: Route[] = [];
  const middleware: Middleware[] = [];
  const nextPath = nextRoutePath(file.path);

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const hapi = hapiRoutes(file, node, options.hapi === true);
      if (hapi) routes.push(...hapi);
      const route = hapi ? undefined : callRoute(file, node);
      if (route) routes.push(route);
      const used = middlewareCall(file, node);
      if (used) middleware.push(used);
    } else if (ts.isClassDeclaration(node)) {
      routes.push(...nestRoutes(file, node));
    } else if (nextPath !== undefined && isExported(node)) {
      routes.push(...nextRoutes(file, node, nextPath));
    }
  };
  // Outside Next route files only calls and classes declare anything, and the kind index holds them in walk order.
  if (nextPath !== undefined) walkNodes(sf, visit);
  else for (const node of nodesOfKinds(sf, [ts.SyntaxKind.CallExpression, ts.SyntaxKind.ClassDeclaration])) visit(node);
  return { routes, middleware };
}

function callRoute(file: SourceFile, call: ts.CallExpression): Route | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const verb = callee.name.text.toLowerCase();

  // fastify.route({ method: 'POST', url: '/x', preHandler, handler })
  if (verb === 'route' && call.arguments.length === 1 && ts.isObjectLiteralExpression(call.arguments[0]!)) {
    const options = call.arguments[0];
    const method = stringValue(propertyOf(options, 'method'))?.toUpperCase();
    const url = stringValue(propertyOf(options, 'url') ?? propertyOf(options, 'path'));
    if (!method || !url || !isMethod(method)) return undefined;
    const handler = propertyOf(options, 'handler');
    return {
      file,
      line: lineOf(call),
      method,
      path: url,
      framework: 'fastify',
      guards: hookTexts(options),
      handler: handler && isFunctionLike(handler) ? handler : undefined,
      receiver: expressionName(callee.expression),
      scope: enclosingFunction(call),
    };
  }

  if (!ROUTE_METHODS.has(verb)) return undefined;
  const method = verb.toUpperCase() as HttpMethod;
  const receiverExpr = callee.expression;

  // app.route('/x').post(handler): the path comes from the chained call.
  let path: string | undefined;
  let args = [...call.arguments];
  if (ts.isCallExpression(receiverExpr) && ts.isPropertyAccessExpression(receiverExpr.expression) && receiverExpr.expression.name.text === 'route') {
    path = stringValue(receiverExpr.arguments[0]);
  } else {
    path = routePath(args[0]);
    args = args.slice(1);
  }
  if (path === undefined || args.length === 0) return undefined;

  const last = args.at(-1)!;
  // `axios.get('/users', { params })` and `cache.get('/k', 'v')` are calls, not route registrations.
  if (ts.isObjectLiteralExpression(last) || ts.isStringLiteralLike(last) || ts.isNumericLiteral(last)) return undefined;
  const handler = isFunctionLike(last) ? last : ts.isIdentifier(last) ? localFunction(call.getSourceFile(), last.text) : undefined;
  const before = args.slice(0, -1);
  const guards: string[] = [];
  let framework: Framework = 'express';
  for (const arg of before) {
    if (ts.isObjectLiteralExpression(arg)) {
      framework = 'fastify';
      guards.push(...hookTexts(arg));
    } else guards.push(arg.getText());
  }
  return { file, line: lineOf(call), method, path, framework, guards, handler, receiver: expressionName(receiverExpr), scope: enclosingFunction(call) };
}

/** A handler passed by name (`router.post('/x', createOrder)`) resolved to its declaration in the same file. */
function localFunction(sf: ts.SourceFile, name: string): ts.FunctionLikeDeclaration | undefined {
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name && statement.body) return statement;
    if (ts.isVariableStatement(statement)) {
      for (const variable of statement.declarationList.declarations) {
        if (ts.isIdentifier(variable.name) && variable.name.text === name && variable.initializer && isFunctionLike(variable.initializer)) return variable.initializer;
      }
    }
  }
  return undefined;
}

function routePath(node: ts.Node | undefined): string | undefined {
  const literal = stringValue(node);
  if (literal !== undefined) return literal.startsWith('/') || literal === '*' ? literal : undefined;
  if (node && ts.isTemplateExpression(node) && node.head.text.startsWith('/')) return node.getText().slice(1, -1);
  return undefined;
}

function hookTexts(options: ts.ObjectLiteralExpression): string[] {
  return ['preHandler', 'onRequest', 'preValidation', 'preParsing', 'config']
    .map((name) => propertyOf(options, name)?.getText())
    .filter((text): text is string => text !== undefined);
}

/**
 * hapi: `server.route({ method, path, handler, options: { auth, validate, pre } })`, or an array of such
 * objects. Told from Fastify's `route({ method, url })` by `path` without `url` plus a hapi sign: an
 * `options` object, a method list or `'*'`, or hapi named in the file. A method list becomes one route per
 * method; `'*'` is ALL. Undefined when the call is not a hapi registration.
 */
function hapiRoutes(file: SourceFile, call: ts.CallExpression, hapiProject: boolean): Route[] | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'route' || call.arguments.length !== 1) return undefined;
  const arg = call.arguments[0]!;
  const configs = ts.isObjectLiteralExpression(arg) ? [arg] : ts.isArrayLiteralExpression(arg) ? arg.elements.filter(ts.isObjectLiteralExpression) : [];
  if (configs.length === 0 || !configs.every((c) => propertyOf(c, 'path') !== undefined && propertyOf(c, 'url') === undefined)) return undefined;
  const hapiFile = hapiProject || (/@hapi\/|['"]hapi['"]|\bserver\.auth\b|\bh\.response\(/.test(file.text) && !/fastify/i.test(file.text));
  if (ts.isObjectLiteralExpression(arg) && !hapiFile && !isHapiConfig(arg)) return undefined;
  const routes: Route[] = [];
  for (const config of configs) {
    const path = routePath(propertyOf(config, 'path'));
    const methods = hapiMethods(propertyOf(config, 'method'));
    if (path === undefined || methods.length === 0) continue;
    const options = [propertyOf(config, 'options'), propertyOf(config, 'config')].find((o): o is ts.ObjectLiteralExpression => !!o && ts.isObjectLiteralExpression(o));
    const handlerNode = propertyOf(config, 'handler') ?? (options && propertyOf(options, 'handler'));
    const handler = !handlerNode ? undefined : isFunctionLike(handlerNode) ? handlerNode : ts.isIdentifier(handlerNode) ? localFunction(call.getSourceFile(), handlerNode.text) : undefined;
    const validate = options && propertyOf(options, 'validate');
    const guards = options ? ['pre', 'ext', 'plugins'].map((name) => propertyOf(options, name)?.getText()).filter((text): text is string => text !== undefined) : [];
    // `auth: { access: { scope: ['admin'] } }`: a role check staffOnly() reads (the auth text itself would read as authentication).
    const auth = options && propertyOf(options, 'auth');
    const access = auth && ts.isObjectLiteralExpression(auth) ? (propertyOf(auth, 'access') ?? propertyOf(auth, 'scope')) : undefined;
    if (access && hapiAuth(auth) !== 'off' && hapiAuth(auth) !== 'optional') guards.push(`scope: ${access.getText()}`);
    for (const method of methods) {
      routes.push({
        file,
        line: lineOf(config),
        method,
        path,
        framework: 'hapi',
        guards,
        handler,
        receiver: expressionName(callee.expression),
        scope: enclosingFunction(call),
        auth: options ? hapiAuth(propertyOf(options, 'auth')) : undefined,
        validate: validate && ts.isObjectLiteralExpression(validate) ? validate : undefined,
      });
    }
  }
  return routes;
}

/** A route object only hapi would take: an `options` object, a method list or `'*'`, a `{param}` path, or an `(request, h)` handler. */
function isHapiConfig(config: ts.ObjectLiteralExpression): boolean {
  const method = propertyOf(config, 'method');
  const handler = propertyOf(config, 'handler');
  return (
    propertyOf(config, 'options') !== undefined ||
    (!!method && (ts.isArrayLiteralExpression(method) || stringValue(method) === '*')) ||
    /\{\w+\??\}/.test(stringValue(propertyOf(config, 'path')) ?? '') ||
    (!!handler && isFunctionLike(handler) && handler.parameters[1]?.name.getText() === 'h')
  );
}

function hapiMethods(node: ts.Expression | undefined): HttpMethod[] {
  const names = node && ts.isArrayLiteralExpression(node) ? node.elements.map(stringValue) : [stringValue(node)];
  const methods = names.map((name) => (name === '*' ? 'ALL' : name?.toUpperCase())).filter((m): m is HttpMethod => m !== undefined && isMethod(m));
  return [...new Set(methods)];
}

/** `auth: false` → off; `auth: 'session'` or `{ strategy, mode: 'required' }` → required; mode try/optional → optional. */
export function hapiAuth(node: ts.Expression | undefined): HapiAuth | undefined {
  if (!node) return undefined;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return 'off';
  if (stringValue(node) !== undefined) return 'required';
  if (ts.isObjectLiteralExpression(node)) {
    const mode = stringValue(propertyOf(node, 'mode'));
    if (mode === 'try' || mode === 'optional') return 'optional';
    if (mode === 'required' || propertyOf(node, 'strategy') || propertyOf(node, 'strategies')) return 'required';
    // `{ access: { scope } }` alone leaves the strategy (and so the mode) to the default.
  }
  return undefined;
}

function isMethod(value: string): value is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(value);
}

function middlewareCall(file: SourceFile, call: ts.CallExpression): Middleware | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  if (!['use', 'addHook', 'register', 'useGlobalGuards'].includes(callee.name.text)) return undefined;
  if (call.arguments.length === 0) return undefined;
  return { file, line: lineOf(call), receiver: expressionName(callee.expression), text: call.arguments.map((a) => a.getText()).join(', '), scope: enclosingFunction(call) };
}

function decoratorsOf(node: ts.Node): ts.Decorator[] {
  return ts.canHaveDecorators(node) ? [...(ts.getDecorators(node) ?? [])] : [];
}

function decoratorName(decorator: ts.Decorator): { name: string; call?: ts.CallExpression } {
  const expr = decorator.expression;
  if (ts.isCallExpression(expr)) return { name: calleeName(expr), call: expr };
  return { name: expressionName(expr) };
}

function nestRoutes(file: SourceFile, cls: ts.ClassDeclaration): Route[] {
  const classDecorators = decoratorsOf(cls).map(decoratorName);
  const controller = classDecorators.find((d) => d.name === 'Controller');
  if (!controller) return [];
  const prefix = stringValue(controller.call?.arguments[0]) ?? '';
  const classGuards = decoratorsOf(cls).filter((d) => /^(UseGuards|UseInterceptors|Roles|Auth)/.test(decoratorName(d).name)).map((d) => d.getText());
  const routes: Route[] = [];
  for (const member of cls.members) {
    if (!ts.isMethodDeclaration(member)) continue;
    const decorators = decoratorsOf(member);
    for (const decorator of decorators) {
      const { name, call } = decoratorName(decorator);
      const method = name.toUpperCase();
      if (!isMethod(method)) continue;
      const sub = stringValue(call?.arguments[0]) ?? '';
      const guards = decorators.filter((d) => d !== decorator && !isMethod(decoratorName(d).name.toUpperCase())).map((d) => d.getText());
      routes.push({
        file,
        line: lineOf(member),
        method,
        path: joinPath(prefix, sub),
        framework: 'nestjs',
        guards: [...classGuards, ...guards],
        handler: member,
      });
    }
  }
  return routes;
}

function joinPath(prefix: string, sub: string): string {
  const joined = `/${[prefix, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
  return joined;
}

/** The URL path a Next.js route file serves, or undefined when the file is not a route file. */
function nextRoutePath(filePath: string): string | undefined {
  const app = NEXT_ROUTE_FILE.exec(filePath);
  if (app) return `/${(app[1] ?? '').replace(/\/$/, '').replace(/\([^)]*\)\/?/g, '')}`;
  const pages = NEXT_PAGES_API.exec(filePath);
  if (pages) return `/api/${pages[1]!.replace(/\/?index$/, '')}`;
  return undefined;
}

function isExported(node: ts.Node): boolean {
  if (ts.isExportAssignment(node)) return true;
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function nextRoutes(file: SourceFile, node: ts.Node, path: string): Route[] {
  const base = { file, line: lineOf(node), path, framework: 'nextjs' as const, guards: [] as string[] };
  if (ts.isFunctionDeclaration(node) && node.name) {
    const isDefault = (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    const method = isDefault ? 'ALL' : node.name.text;
    return isMethod(method) ? [{ ...base, method, handler: node }] : [];
  }
  if (ts.isExportAssignment(node) && isFunctionLike(node.expression)) {
    return [{ ...base, method: 'ALL', handler: node.expression }];
  }
  if (ts.isVariableStatement(node)) {
    return node.declarationList.declarations.flatMap((decl) => {
      const name = ts.isIdentifier(decl.name) ? decl.name.text : '';
      if (!isMethod(name)) return [];
      const init = decl.initializer;
      return [{ ...base, method: name, handler: init && isFunctionLike(init) ? init : undefined }];
    });
  }
  return [];
}

/**
 * The paths a route is reachable at once its router's prefix is known: a Koa/Express router built with
 * `new Router({ prefix })`, and `app.use('/prefix', …, router)` mounts of its receiver (in any file, matched
 * by name, one level deep). The route's own path comes first; routers mounted nowhere keep it alone.
 */
export function mountedPaths(route: Route, middleware: readonly Middleware[]): string[] {
  const receiver = route.receiver;
  if (!receiver || route.framework === 'nextjs' || route.framework === 'nestjs') return [route.path];
  const prefixes = new Set<string>();
  const own = new RegExp(`\\b${receiver.replace(/[$.]/g, '\\$&')}\\s*=\\s*new\\s+\\w*Router\\(\\s*\\{[^}]*\\bprefix\\s*:\\s*['"\`]([^'"\`]+)['"\`]`).exec(route.file.text);
  if (own) prefixes.add(own[1]!);
  const mounted = new RegExp(`^\\s*['"\`](/[^'"\`]*)['"\`]\\s*,(?:.*,)?\\s*${receiver.replace(/[$.]/g, '\\$&')}(?:\\.routes\\(\\))?\\s*$`, 's');
  for (const m of middleware) {
    const match = mounted.exec(m.text);
    if (match) prefixes.add(match[1]!);
  }
  const join = (a: string, b: string) => `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}`.replace(/\/+$/, '') || '/';
  return [route.path, ...[...prefixes].map((prefix) => join(prefix, route.path))];
}
