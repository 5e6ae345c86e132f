import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, propertyOf, stringValue, ts } from './ast.js';

/** A decorated property of a TypeORM entity. */
export interface EntityProperty {
  readonly name: string;
  /** The decorator that makes it a column or relation: `Column`, `ManyToOne`, `DeleteDateColumn`... */
  readonly kind: string;
  /** The column type as written (`'float'`, `'numeric'`), or undefined when TypeORM infers it. */
  readonly type?: string;
  /** The options object of the decorator (`{ nullable: true }`, `{ onDelete: 'CASCADE' }`). */
  readonly options?: ts.ObjectLiteralExpression;
  /** The related entity's class name, for relations. */
  readonly target?: string;
  readonly line: number;
  /** The line of the first decorator, where the property's declaration starts. */
  readonly declarationLine: number;
}

export interface Entity {
  readonly file: SourceFile;
  readonly name: string;
  readonly line: number;
  readonly properties: readonly EntityProperty[];
  /** Column lists of unique indexes and constraints (class or property level, `unique: true`, primary keys). */
  readonly uniques: readonly (readonly string[])[];
}

const cache = new WeakMap<ProbeContext, Entity[]>();

/** Every `@Entity()` class in the target, read once per audit. */
export function typeormEntities(ctx: ProbeContext): readonly Entity[] {
  let entities = cache.get(ctx);
  if (!entities) {
    entities = ctx.scripts(['@Entity']).flatMap((file) => ctx.nodesOf<ts.ClassDeclaration>(file, ts.SyntaxKind.ClassDeclaration).flatMap((cls) => entityOf(file, cls) ?? []));
    cache.set(ctx, entities);
  }
  return entities;
}

function entityOf(file: SourceFile, cls: ts.ClassDeclaration): Entity | undefined {
  const decorators = ts.getDecorators(cls) ?? [];
  const entity = decorators.find((d) => decoratorName(d) === 'Entity');
  if (!cls.name || !entity) return undefined;
  const uniques: string[][] = [];
  for (const d of decorators) {
    const args: readonly ts.Expression[] = ts.isCallExpression(d.expression) ? d.expression.arguments : [];
    const list = args.find((a): a is ts.ArrayLiteralExpression => ts.isArrayLiteralExpression(a));
    const columns = list ? list.elements.map((e) => stringValue(e) ?? '').filter(Boolean) : [];
    if (decoratorName(d) === 'Unique' || (decoratorName(d) === 'Index' && hasTrue(args, 'unique'))) uniques.push(columns);
  }
  const properties: EntityProperty[] = [];
  for (const member of cls.members) {
    if (!ts.isPropertyDeclaration(member) || !member.name) continue;
    const name = member.name.getText();
    const own = ts.getDecorators(member) ?? [];
    for (const d of own) {
      const kind = decoratorName(d);
      const args: readonly ts.Expression[] = ts.isCallExpression(d.expression) ? d.expression.arguments : [];
      if (kind === 'Index' && hasTrue(args, 'unique')) uniques.push([name]);
      if (kind === 'Unique') uniques.push([name]);
      if (!/Column$|^(?:ManyToOne|OneToOne|OneToMany|ManyToMany)$/.test(kind)) continue;
      const options = args.find((a): a is ts.ObjectLiteralExpression => ts.isObjectLiteralExpression(a));
      const type = stringValue(args[0]) ?? (options ? stringValue(propertyOf(options, 'type')) : undefined);
      const target = args[0] && ts.isArrowFunction(args[0]) ? args[0].body.getText() : undefined;
      if (/Primary/.test(kind) || hasTrue(args, 'unique') || hasTrue(args, 'primary')) uniques.push([name]);
      properties.push({ name, kind, type, options, target, line: lineOf(member.name), declarationLine: lineOf(own[0]!) });
    }
  }
  return { file, name: cls.name.text, line: lineOf(entity), properties, uniques };
}

function decoratorName(d: ts.Decorator): string {
  const expr = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
  return expr.getText().split('.').at(-1) ?? '';
}

function hasTrue(args: readonly ts.Expression[], key: string): boolean {
  return args.some((a) => ts.isObjectLiteralExpression(a) && propertyOf(a, key)?.kind === ts.SyntaxKind.TrueKeyword);
}
