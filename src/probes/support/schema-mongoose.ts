import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, propertyOf, stringValue, ts } from './ast.js';

/** A path of a Mongoose schema definition: `email: { type: String, unique: true }`. */
export interface MongooseField {
  readonly name: string;
  /** The definition as written: an identifier (`String`), an object literal, or an array literal. */
  readonly value: ts.Expression;
  /** The options object, when the definition is one (`{ type: String, ... }`). */
  readonly options?: ts.ObjectLiteralExpression;
  readonly line: number;
}

export interface MongooseSchema {
  readonly file: SourceFile;
  /** The variable the schema is assigned to (`userSchema`), if any. */
  readonly variable?: string;
  /** The model names registered with it (`mongoose.model('User', userSchema)`). */
  readonly models: string[];
  readonly line: number;
  readonly fields: readonly MongooseField[];
  /** Column lists of `unique: true` paths and `schema.index({...}, { unique: true })`. */
  readonly uniques: string[][];
  /** The file's text, so probes can look for hooks (`schema.pre('deleteOne')`) and plugins. */
  readonly source: string;
}

const cache = new WeakMap<ProbeContext, MongooseSchema[]>();

/** Every `new Schema({...})` of the target with its fields, unique indexes and model names, read once per audit. */
export function mongooseSchemas(ctx: ProbeContext): readonly MongooseSchema[] {
  let schemas = cache.get(ctx);
  if (!schemas) {
    schemas = ctx.scripts(['Schema(']).flatMap((file) => schemasOf(ctx, file));
    cache.set(ctx, schemas);
  }
  return schemas;
}

function schemasOf(ctx: ProbeContext, file: SourceFile): MongooseSchema[] {
  const schemas: MongooseSchema[] = [];
  for (const created of ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression)) {
    const definition = created.arguments?.[0];
    if (!/(?:^|\.)Schema$/.test(created.expression.getText()) || !definition || !ts.isObjectLiteralExpression(definition)) continue;
    const variable = ts.isVariableDeclaration(created.parent) && ts.isIdentifier(created.parent.name) ? created.parent.name.text : undefined;
    const fields: MongooseField[] = [];
    const uniques: string[][] = [];
    for (const prop of definition.properties) {
      if (!ts.isPropertyAssignment(prop) || !prop.name) continue;
      const name = ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) ? prop.name.text : prop.name.getText();
      const options = ts.isObjectLiteralExpression(prop.initializer) ? prop.initializer : undefined;
      fields.push({ name, value: prop.initializer, options, line: lineOf(prop) });
      if (options && propertyOf(options, 'unique')?.kind === ts.SyntaxKind.TrueKeyword) uniques.push([name]);
    }
    schemas.push({ file, variable, models: [], line: lineOf(created), fields, uniques, source: file.text });
  }
  if (schemas.length === 0) return schemas;
  for (const call of ctx.calls(file)) {
    const callee = call.expression;
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression.getText() : '';
    if (method === 'model' && call.arguments.length >= 2) {
      const schema = schemas.find((s) => s.variable !== undefined && s.variable === call.arguments[1]!.getText());
      const name = stringValue(call.arguments[0]);
      if (schema && name) schema.models.push(name);
    } else if (method === 'index' && call.arguments[0] && ts.isObjectLiteralExpression(call.arguments[0])) {
      const options = call.arguments[1];
      if (!options || !ts.isObjectLiteralExpression(options) || propertyOf(options, 'unique')?.kind !== ts.SyntaxKind.TrueKeyword) continue;
      const columns = call.arguments[0].properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : '')).filter(Boolean);
      schemas.find((s) => s.variable === receiver)?.uniques.push(columns);
    }
  }
  return schemas;
}
