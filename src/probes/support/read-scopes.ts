import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { findNodes, ts } from './ast.js';

/** Code that runs on every page view or GET request: where an unbounded read costs each visitor. */
export interface ReadScope {
  readonly file: SourceFile;
  readonly body: ts.Node;
  /** `GET /invoices`, `page app/projects/[id]/page.tsx`, `GET /invoices → InvoicesService.list()`. */
  readonly where: string;
}

const NEXT_PAGE = /(?:^|\/)app\/(?:.*\/)?page\.[cm]?[jt]sx?$/;

/**
 * GET route handlers, Next.js app-router pages (server components render on each request), and the service
 * methods a GET handler delegates to through an injected field (`this.service.list()`), one hop deep.
 */
export function readScopes(ctx: ProbeContext): ReadScope[] {
  const scopes: ReadScope[] = [];
  for (const route of ctx.routes()) {
    const body = route.handler?.body;
    if (route.method !== 'GET' || !body) continue;
    const where = `GET ${route.path}`;
    scopes.push({ file: route.file, body, where });
    scopes.push(...delegated(ctx, route.handler!, where));
  }
  for (const file of ctx.scripts(['export default']).filter((f) => NEXT_PAGE.test(f.path))) {
    for (const fn of ctx.ast(file).statements.filter(ts.isFunctionDeclaration)) {
      const modifiers = ts.getModifiers(fn)?.map((m) => m.kind) ?? [];
      if (fn.body && modifiers.includes(ts.SyntaxKind.ExportKeyword) && modifiers.includes(ts.SyntaxKind.DefaultKeyword)) scopes.push({ file, body: fn.body, where: `page ${file.path}` });
    }
  }
  return scopes;
}

/** `this.invoices.list(...)` in a controller method → the body of `list` in the class the constructor injects as `invoices`. */
function delegated(ctx: ProbeContext, handler: ts.FunctionLikeDeclaration, where: string): ReadScope[] {
  const owner = handler.parent;
  if (!handler.body || !ts.isClassDeclaration(owner)) return [];
  const ctor = owner.members.find(ts.isConstructorDeclaration);
  const types = new Map((ctor?.parameters ?? []).flatMap((p) => (ts.isIdentifier(p.name) && p.type && ts.isTypeReferenceNode(p.type) ? [[p.name.text, p.type.typeName.getText()] as const] : [])));
  const scopes: ReadScope[] = [];
  for (const call of findNodes(handler.body, ts.isCallExpression)) {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !ts.isPropertyAccessExpression(callee.expression) || callee.expression.expression.kind !== ts.SyntaxKind.ThisKeyword) continue;
    const type = types.get(callee.expression.name.text);
    if (!type || !/Service$/.test(type)) continue;
    for (const file of ctx.scripts([`class ${type}`])) {
      const cls = ctx.ast(file).statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === type);
      const method = cls?.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText() === callee.name.text);
      if (method?.body) scopes.push({ file, body: method.body, where: `${where} → ${type}.${callee.name.text}()` });
    }
  }
  return scopes;
}
