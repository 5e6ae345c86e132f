import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { stringValue, ts, nodesOfKinds } from './ast.js';

export type Bindings = { ns: Set<string>; named: Map<string, string> };

/** The module a top-level `import` or `require` statement reads, and the names it binds; undefined for any other statement. */
function statementBindings(st: ts.Statement): { specifier: string; ns: ts.Identifier | undefined; named: readonly (ts.ImportSpecifier | ts.BindingElement)[] } | undefined {
  const decl = ts.isVariableStatement(st) ? st.declarationList.declarations.find((d) => d.initializer && ts.isCallExpression(d.initializer) && d.initializer.expression.getText() === 'require') : undefined;
  const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
  const specifier = clause ? stringValue((st as ts.ImportDeclaration).moduleSpecifier) : decl && stringValue((decl.initializer as ts.CallExpression).arguments[0]);
  if (specifier === undefined) return undefined;
  const local = clause ? clause.name ?? (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings) ? clause.namedBindings.name : undefined) : decl?.name;
  const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : decl && ts.isObjectBindingPattern(decl.name) ? decl.name.elements : [];
  return { specifier, ns: local && ts.isIdentifier(local) ? local : undefined, named };
}

function addBindings(into: Bindings, bound: NonNullable<ReturnType<typeof statementBindings>>): void {
  if (bound.ns) into.ns.add(bound.ns.text);
  for (const el of bound.named) into.named.set(el.name.getText(), (el.propertyName ?? el.name).getText());
}

/** Top-level names bound to a module by `import`/`require`: the module itself (`ns`) and its exports (local → exported). */
export function bindings(sf: ts.SourceFile, module: RegExp): Bindings {
  const result: Bindings = { ns: new Set(), named: new Map() };
  for (const st of sf.statements) {
    const bound = statementBindings(st);
    if (bound && module.test(bound.specifier)) addBindings(result, bound);
  }
  return result;
}

/** The project's own modules a file reads at top level (`./sms`, `../services`), each with the names it binds from it. */
export function relativeImports(sf: ts.SourceFile): Map<string, Bindings> {
  const result = new Map<string, Bindings>();
  for (const st of sf.statements) {
    const bound = statementBindings(st);
    if (!bound?.specifier.startsWith('.')) continue;
    let entry = result.get(bound.specifier);
    if (!entry) result.set(bound.specifier, (entry = { ns: new Set(), named: new Map() }));
    addBindings(entry, bound);
  }
  return result;
}

export interface Imports {
  readonly namespaces: Set<string>;
  readonly named: Map<string, string>;
}

/**
 * Unlike `bindings`, walks the whole file (a `require` inside a function counts, and every declarator of a statement).
 * Both stay: the probes on `bindings` match top-level imports only, and widening them would change what they report.
 */
export function importsOf(sf: ts.SourceFile, module: RegExp): Imports {
  const result: Imports = { namespaces: new Set(), named: new Map() };
  const matches = (node: ts.Node | undefined): boolean => !!node && module.test(stringValue(node) ?? '');
  for (const node of nodesOfKinds(sf, [ts.SyntaxKind.ImportDeclaration, ts.SyntaxKind.VariableDeclaration])) {
    if (ts.isImportDeclaration(node) && matches(node.moduleSpecifier) && node.importClause) {
      const { name, namedBindings } = node.importClause;
      if (name) result.namespaces.add(name.text);
      if (namedBindings && ts.isNamespaceImport(namedBindings)) result.namespaces.add(namedBindings.name.text);
      if (namedBindings && ts.isNamedImports(namedBindings)) for (const el of namedBindings.elements) result.named.set(el.name.text, (el.propertyName ?? el.name).text);
    }
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isCallExpression(node.initializer) && node.initializer.expression.getText() === 'require' && matches(node.initializer.arguments[0])) {
      if (ts.isIdentifier(node.name)) result.namespaces.add(node.name.text);
      // Callers look names up by an identifier's `.text`, so nested patterns (`{ a: { b } }`) bind nothing they could find.
      else if (ts.isObjectBindingPattern(node.name)) for (const el of node.name.elements) if (ts.isIdentifier(el.name)) result.named.set(el.name.text, el.propertyName?.getText() ?? el.name.text);
    }
  }
  return result;
}

/** `lib/sms.ts`, `lib/sms.js` (an ESM import of the TypeScript source) and `lib/sms/index.ts` name one module. */
export function moduleKey(path: string): string {
  return path.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
}

/** The module key a relative specifier (`../services`, `./sms.js`) names, seen from the file at `fromFile`. */
export function resolveImport(fromFile: string, specifier: string): string {
  const parts = fromFile.split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return moduleKey(parts.join('/'));
}

const moduleIndexes = new WeakMap<ProbeContext, Map<string, SourceFile>>();

/** The project file a relative specifier points at, through an index of every script by module key built once per audit. */
export function projectModule(ctx: ProbeContext, fromFile: string, specifier: string): SourceFile | undefined {
  let index = moduleIndexes.get(ctx);
  if (!index) {
    index = new Map();
    for (const file of ctx.scripts()) if (!index.has(moduleKey(file.path))) index.set(moduleKey(file.path), file);
    moduleIndexes.set(ctx, index);
  }
  return index.get(resolveImport(fromFile, specifier));
}
