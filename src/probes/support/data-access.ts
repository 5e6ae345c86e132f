import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { methodName, propertyOf, ts } from './ast.js';

/** A function body that runs on behalf of a request. */
export interface RequestHandler {
  readonly file: SourceFile;
  readonly body: ts.Node;
  /** The function itself: a route handler, a server action, or a service method a handler calls. */
  readonly fn: ts.FunctionLikeDeclaration;
}

const cache = new WeakMap<ProbeContext, RequestHandler[]>();

/**
 * Code that runs on behalf of a request: inline route handlers of every method, Next.js server
 * actions (`'use server'`), and — one hop — methods of `@Injectable()` services that a handler calls
 * as `this.<service>.<method>(...)`, where Nest applications keep their data access.
 */
export function requestHandlers(ctx: ProbeContext): readonly RequestHandler[] {
  let handlers = cache.get(ctx);
  if (handlers) return handlers;
  handlers = [];
  const calledMethods = new Set<string>();
  for (const route of ctx.routes()) {
    if (!route.handler?.body) continue;
    handlers.push({ file: route.file, body: route.handler.body, fn: route.handler });
    if (route.framework !== 'nestjs') continue;
    ts.forEachChild(route.handler.body, function visit(node): void {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^this\.\w+$/.test(node.expression.expression.getText())) calledMethods.add(node.expression.name.text);
      ts.forEachChild(node, visit);
    });
  }
  for (const file of ctx.scripts(['use server'])) {
    const fileWide = /^\s*['"]use server['"]/.test(file.text);
    for (const kind of [ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.FunctionExpression]) {
      for (const fn of ctx.nodesOf<ts.FunctionLikeDeclaration>(file, kind)) {
        if (!fn.body || !ts.isBlock(fn.body)) continue;
        const first = fn.body.statements[0];
        const directive = !!first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === 'use server';
        if (directive || (fileWide && ts.isSourceFile(fn.parent))) handlers.push({ file, body: fn.body, fn });
      }
    }
  }
  if (calledMethods.size > 0) {
    for (const file of ctx.scripts(['@Injectable'])) {
      for (const method of ctx.nodesOf<ts.MethodDeclaration>(file, ts.SyntaxKind.MethodDeclaration)) {
        const cls = method.parent;
        if (!method.body || !ts.isClassDeclaration(cls) || !ts.getDecorators(cls)?.some((d) => /^Injectable\b/.test(d.expression.getText()))) continue;
        if (calledMethods.has(method.name.getText())) handlers.push({ file, body: method.body, fn: method });
      }
    }
  }
  cache.set(ctx, handlers);
  return handlers;
}

/** The signed-in caller's own id: `req.user.id`, `request.user!.id`, `session.user.id`, `user.id` of `await requireUser()`. */
const OWN_ID = /^(?:(?:req|request|ctx|context)\.(?:user|auth|session|state\.user)|session\.user|currentUser|me|user|viewer|authUser)[!?]?\.(?:id|_id|sub|userId)$/;
const PERSON = /^(?:users?|accounts?|members?|profiles?|customers?)$/i;

/**
 * True when `call` deletes the caller's own account (`prisma.user.delete({ where: { id: user.id } })`,
 * `User.deleteOne({ _id: request.user.id })`): self-service erasure, a lifecycle question, not a slip.
 */
export function selfAccountDelete(call: ts.CallExpression, entity: string): boolean {
  if (!PERSON.test(entity.replace(/Repo(?:sitory)?$|Model$/i, ''))) return false;
  const first = call.arguments[0];
  if (!first) return false;
  const filter = ts.isObjectLiteralExpression(first) ? (propertyOf(first, 'where') ?? first) : first;
  const id = ts.isObjectLiteralExpression(filter) ? (propertyOf(filter, 'id') ?? propertyOf(filter, '_id')) : filter;
  return !!id && OWN_ID.test(id.getText().replace(/\s/g, ''));
}

/**
 * Drizzle's `db.update(orders).set({ status: 'shipped' })` (or `tx.update(...)`), seen from the `set` call: the
 * table object passed to `update` and the changes. Undefined for any other call.
 */
export function drizzleUpdate(call: ts.CallExpression): { table: ts.Identifier | ts.PropertyAccessExpression; changes: ts.ObjectLiteralExpression } | undefined {
  const changes = call.arguments[0];
  if (methodName(call) !== 'set' || !changes || !ts.isObjectLiteralExpression(changes) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const update = call.expression.expression;
  if (!ts.isCallExpression(update) || methodName(update) !== 'update' || update.arguments.length !== 1) return undefined;
  const table = update.arguments[0]!;
  return ts.isIdentifier(table) || ts.isPropertyAccessExpression(table) ? { table, changes } : undefined;
}
