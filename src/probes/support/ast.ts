import ts from 'typescript';
import type { SourceFile } from '../../repo/view.js';

export { ts };

export function parseScript(file: SourceFile): ts.SourceFile {
  const kind = file.path.endsWith('x') ? ts.ScriptKind.TSX : file.language === 'typescript' ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  return ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, kind);
}

/** Depth-first visit of every node below `root`. Return false from `visit` to skip a subtree. */
export function walkNodes(root: ts.Node, visit: (node: ts.Node) => boolean | void): void {
  const step = (node: ts.Node): void => {
    if (visit(node) === false) return;
    ts.forEachChild(node, step);
  };
  ts.forEachChild(root, step);
}

/** A parsed file's nodes by kind, each list in walk order: built by one walk, the first time anyone asks. */
const kindIndexes = new WeakMap<ts.SourceFile, Map<ts.SyntaxKind, ts.Node[]>>();

export function nodesByKind(sf: ts.SourceFile): ReadonlyMap<ts.SyntaxKind, readonly ts.Node[]> {
  let index = kindIndexes.get(sf);
  if (!index) {
    const built = new Map<ts.SyntaxKind, ts.Node[]>();
    const visit = (node: ts.Node): void => {
      const list = built.get(node.kind);
      if (list) list.push(node);
      else built.set(node.kind, [node]);
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sf, visit);
    kindIndexes.set(sf, built);
    index = built;
  }
  return index;
}

/**
 * Guards that hold exactly for one kind: a search of a whole file with one of them reads the kind index
 * (in the same walk order) instead of walking the tree again, which probes otherwise do dozens of times per file.
 */
const GUARD_KINDS = new Map<(node: ts.Node) => boolean, ts.SyntaxKind>([
  [ts.isCallExpression, ts.SyntaxKind.CallExpression],
  [ts.isNewExpression, ts.SyntaxKind.NewExpression],
  [ts.isVariableDeclaration, ts.SyntaxKind.VariableDeclaration],
  [ts.isPropertyAssignment, ts.SyntaxKind.PropertyAssignment],
  [ts.isImportDeclaration, ts.SyntaxKind.ImportDeclaration],
  [ts.isFunctionDeclaration, ts.SyntaxKind.FunctionDeclaration],
  [ts.isClassDeclaration, ts.SyntaxKind.ClassDeclaration],
  [ts.isIdentifier, ts.SyntaxKind.Identifier],
  [ts.isBinaryExpression, ts.SyntaxKind.BinaryExpression],
  [ts.isObjectLiteralExpression, ts.SyntaxKind.ObjectLiteralExpression],
  [ts.isPropertyAccessExpression, ts.SyntaxKind.PropertyAccessExpression],
  [ts.isParameter, ts.SyntaxKind.Parameter],
  [ts.isJsxAttribute, ts.SyntaxKind.JsxAttribute],
  [ts.isReturnStatement, ts.SyntaxKind.ReturnStatement],
  [ts.isThrowStatement, ts.SyntaxKind.ThrowStatement],
  [ts.isCatchClause, ts.SyntaxKind.CatchClause],
]);

/**
 * Nodes of a file of any of some kinds, in walk order, from the kind index. Merged by start, the outer node first
 * when two start together: of the kinds asked for together here, a node that starts where another does encloses it
 * and ends later.
 */
export function nodesOfKinds<T extends ts.Node>(sf: ts.SourceFile, kinds: readonly ts.SyntaxKind[]): T[] {
  const index = nodesByKind(sf);
  const lists = kinds.map((kind) => index.get(kind) ?? []).filter((list) => list.length > 0);
  if (lists.length <= 1) return [...(lists[0] ?? [])] as T[];
  return (lists.flat() as T[]).sort((a, b) => a.pos - b.pos || b.end - a.end);
}

export function findNodes<T extends ts.Node>(root: ts.Node, guard: (node: ts.Node) => node is T): T[] {
  const kind = root.kind === ts.SyntaxKind.SourceFile ? GUARD_KINDS.get(guard) : undefined;
  if (kind !== undefined) return [...(nodesByKind(root as ts.SourceFile).get(kind) ?? [])] as T[];
  const found: T[] = [];
  walkNodes(root, (node) => {
    if (guard(node)) found.push(node);
  });
  return found;
}

/** 1-based line of a node's first token. */
export function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

export function endLineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
}

/** `a.b.c(...)` → "a.b.c"; `new X()` → "X"; calls on calls keep their text (`x().y`). */
export function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  return expressionName(call.expression);
}

export function expressionName(expr: ts.Expression): string {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return `${expressionName(expr.expression)}.${expr.name.text}`;
  if (expr.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isParenthesizedExpression(expr) || ts.isNonNullExpression(expr) || ts.isAwaitExpression(expr)) {
    return expressionName(expr.expression);
  }
  if (ts.isCallExpression(expr)) return `${expressionName(expr.expression)}()`;
  if (ts.isElementAccessExpression(expr)) return `${expressionName(expr.expression)}[]`;
  return expr.getText();
}

/** The last segment of a callee: `prisma.user.findMany` → "findMany". */
export function methodName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isIdentifier(callee)) return callee.text;
  return undefined;
}

/**
 * The calls chained onto an expression, innermost first: `Order.query().where(...).limit(20)` seen from
 * `query()` → the where call, the limit call. A member passed as an argument (`f(q.rows)`) ends the chain.
 */
export function chainCallsAbove(expr: ts.Expression): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  let node: ts.Node = expr;
  while (ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node && ts.isCallExpression(node.parent.parent) && node.parent.parent.expression === node.parent) {
    calls.push(node.parent.parent);
    node = node.parent.parent;
  }
  return calls;
}

/** Method names chained after an expression, innermost first: `Order.query().where(...).limit(20)` → where, limit. */
export function chainAbove(expr: ts.Expression): string[] {
  return chainCallsAbove(expr).map((call) => (call.expression as ts.PropertyAccessExpression).name.text);
}

/** Method names chained before an expression, outermost first: `qb.where(w).take(10)` → take, where. */
export function chainBelow(expr: ts.Expression): string[] {
  const names: string[] = [];
  for (let node = expr; ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression); node = node.expression.expression) {
    names.push(node.expression.name.text);
  }
  return names;
}

/** The outermost call of the fluent chain an expression starts: what gets awaited or assigned. */
export function chainTop(call: ts.CallExpression): ts.CallExpression;
export function chainTop(expr: ts.Expression): ts.Expression;
export function chainTop(expr: ts.Expression): ts.Expression {
  return chainCallsAbove(expr).at(-1) ?? expr;
}

export function stringValue(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

/** An object literal's property by name, when it is a plain `name: value` or shorthand. */
export function propertyOf(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const prop of obj.properties) {
    if (!prop.name) continue;
    const key = ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) ? prop.name.text : undefined;
    if (key !== name) continue;
    if (ts.isPropertyAssignment(prop)) return prop.initializer;
    if (ts.isShorthandPropertyAssignment(prop)) return prop.name;
  }
  return undefined;
}

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node)
  );
}

export function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current;
  }
  return undefined;
}

/** True when `node` is inside a `try` block (not its catch or finally). */
export function isInsideTry(node: ts.Node, stopAt?: ts.Node): boolean {
  for (let current: ts.Node = node; current.parent && current !== stopAt; current = current.parent) {
    if (ts.isTryStatement(current.parent) && current.parent.tryBlock === current) return true;
  }
  return false;
}

/** Whether a loop statement is the node or contains it, up to `stopAt`. */
export function enclosingLoop(node: ts.Node, stopAt?: ts.Node): ts.IterationStatement | undefined {
  for (let current = node.parent; current && current !== stopAt; current = current.parent) {
    if (ts.isIterationStatement(current, false)) return current;
    if (isFunctionLike(current)) return undefined;
  }
  return undefined;
}

/** The file's top-level named declarations: `function f() {}` and `const f = …` (each declarator). */
export function topLevelDeclarations(sf: ts.SourceFile): Map<string, ts.FunctionDeclaration | ts.VariableDeclaration> {
  const found = new Map<string, ts.FunctionDeclaration | ts.VariableDeclaration>();
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) found.set(statement.name.text, statement);
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) found.set(d.name.text, d);
  }
  return found;
}
