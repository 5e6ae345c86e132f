import type { ProbeContext } from '../context.js';
import type { SourceFile } from '../../repo/view.js';
import { isFunctionLike, ts } from './ast.js';

const USE_SERVER = /^\s*['"]use server['"]/m;

function hasDirective(statements: readonly ts.Statement[] | undefined): boolean {
  const first = statements?.[0];
  return !!first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === 'use server';
}

/**
 * Next.js server actions: functions whose body starts with `'use server'`, and the exported functions of a
 * module that starts with it. Each is a public POST endpoint whose arguments the client chooses.
 */
export function serverActions(ctx: ProbeContext): { file: SourceFile; fn: ts.FunctionLikeDeclaration }[] {
  return ctx.scripts([USE_SERVER]).flatMap((file) => {
    const sf = ctx.ast(file);
    const moduleWide = hasDirective(sf.statements);
    const found: { file: SourceFile; fn: ts.FunctionLikeDeclaration }[] = [];
    const visit = (node: ts.Node): void => {
      if (isFunctionLike(node) && node.body && ts.isBlock(node.body) && (hasDirective(node.body.statements) || (moduleWide && isExported(node)))) found.push({ file, fn: node });
      ts.forEachChild(node, visit);
    };
    visit(sf);
    return found;
  });
}

function isExported(fn: ts.FunctionLikeDeclaration): boolean {
  const holder = ts.isFunctionDeclaration(fn) ? fn : ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : undefined;
  return !!holder && ts.canHaveModifiers(holder) && (ts.getModifiers(holder) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}
