import { stringValue, ts, nodesOfKinds } from './ast.js';

export type Bindings = { ns: Set<string>; named: Map<string, string> };

/** Top-level names bound to a module by `import`/`require`: the module itself (`ns`) and its exports (local → exported). */
export function bindings(sf: ts.SourceFile, module: RegExp): Bindings {
  const result: Bindings = { ns: new Set(), named: new Map() };
  for (const st of sf.statements) {
    const decl = ts.isVariableStatement(st) ? st.declarationList.declarations.find((d) => d.initializer && ts.isCallExpression(d.initializer) && d.initializer.expression.getText() === 'require') : undefined;
    const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
    if (!module.test((clause ? stringValue((st as ts.ImportDeclaration).moduleSpecifier) : decl && stringValue((decl.initializer as ts.CallExpression).arguments[0])) ?? '')) continue;
    const local = clause ? clause.name ?? (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings) ? clause.namedBindings.name : undefined) : decl?.name;
    if (local && ts.isIdentifier(local)) result.ns.add(local.text);
    const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : decl && ts.isObjectBindingPattern(decl.name) ? decl.name.elements : [];
    for (const el of named) result.named.set(el.name.getText(), (el.propertyName ?? el.name).getText());
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
