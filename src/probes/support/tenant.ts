import type { ProbeContext } from '../context.js';
import { findNodes, isFunctionLike, methodName, stringValue, ts } from './ast.js';

/** Where a request handler finds the signed-in caller: `req.user`, `ctx.state.user`, hapi's `request.auth.credentials`. */
export const CALLER = /\b(?:req|request)\.user\b|\brequest\.auth\.credentials\b|\bctx\.state\.user\b|\bres\.locals\.user\b|\b(?:req\.)?session\.user\b/;
/** Attributes that name the caller themself (their own rows are ownership, not tenancy). */
const OWN_IDENTITY = /^(?:id|_id|sub|sid|uid|userId|user_id|email|role|roles|username|name|scope|scopes)$/;
/** Columns a filter compares with: `clinicId`, `club_id`, `court.clubId`. */
const ID_COLUMN = /(?:^|\.)\w*?(?:_id|Id|ID)$/;

export interface TenantScope {
  /** Caller attributes the app scopes its queries by: `clinicId` of `req.user.clinicId`, `club` of `credentials.club`. */
  readonly attributes: ReadonlySet<string>;
  /** Top-level functions that read such an attribute (`clinicScope(req, where)`): calling one scopes the query. */
  readonly helpers: ReadonlySet<string>;
  /** Columns the tenant is stored in: `clinicId`, `clubId`. */
  readonly columns: ReadonlySet<string>;
  /** Models (lower-cased, singular) whose rows carry the tenant column, by their declaration or a query on them. */
  readonly models: ReadonlySet<string>;
}

const cache = new WeakMap<ProbeContext, TenantScope>();

/**
 * The tenant of a multi-tenant app, learned from its own queries: a caller attribute that is not the
 * caller's id and is used at least twice as the value of an id column in a filter
 * (`{ clinicId: req.user.clinicId }`, `.where('clubId', request.auth.credentials.club)`).
 * An app with no such attribute is treated as single-tenant (empty sets).
 */
export function tenantScope(ctx: ProbeContext): TenantScope {
  const known = cache.get(ctx);
  if (known) return known;
  const uses = new Map<string, number>();
  const columnsOf = new Map<string, Set<string>>();
  const files = ctx.scripts([CALLER]);
  for (const file of files) {
    for (const access of findNodes(ctx.ast(file), ts.isPropertyAccessExpression)) {
      const attribute = tenantAttributeOf(access);
      const column = attribute ? comparedWithIdColumn(access) : undefined;
      if (!attribute || !column) continue;
      uses.set(attribute, (uses.get(attribute) ?? 0) + 1);
      columnsOf.set(attribute, (columnsOf.get(attribute) ?? new Set<string>()).add(column));
    }
  }
  const attributes = new Set([...uses].filter(([, count]) => count >= 2).map(([name]) => name));
  const columns = [...attributes].flatMap((name) => [...(columnsOf.get(name) ?? [])]);
  const helpers = new Set<string>();
  if (attributes.size > 0) {
    for (const file of files) {
      for (const statement of ctx.ast(file).statements) {
        const fn = namedFunction(statement);
        if (fn && fn.body && readsTenant(fn.body, attributes)) helpers.add(fn.name);
      }
    }
  }
  const scope = { attributes, helpers, columns: new Set(columns), models: attributes.size > 0 ? tenantModels(ctx, new Set([...columns, ...helpers])) : new Set<string>() };
  cache.set(ctx, scope);
  return scope;
}

/** True when `node` reads the caller's tenant or calls a helper that scopes by it. */
export function mentionsTenant(node: ts.Node, scope: TenantScope): boolean {
  if (readsTenant(node, scope.attributes)) return true;
  return findNodes(node, ts.isCallExpression).some((call) => ts.isIdentifier(call.expression) && scope.helpers.has(call.expression.text));
}

function readsTenant(node: ts.Node, attributes: ReadonlySet<string>): boolean {
  // `req.user.clinicId`, or a destructured `const { club } = request.auth.credentials`.
  return findNodes(node, ts.isPropertyAccessExpression).some((access) => attributes.has(tenantAttributeOf(access) ?? ''))
    || findNodes(node, ts.isVariableDeclaration).some((decl) => !!decl.initializer && CALLER.test(decl.initializer.getText()) && ts.isObjectBindingPattern(decl.name)
      && decl.name.elements.some((el) => attributes.has((el.propertyName ?? el.name).getText())));
}

/** `clinicId` of `req.user.clinicId` / `req.user?.clinicId`, unless it is the caller's own id. */
function tenantAttributeOf(access: ts.PropertyAccessExpression): string | undefined {
  const owner = access.expression.getText().replace(/\?$/, '');
  if (!CALLER.test(owner) || !new RegExp(`(?:${CALLER.source})$`).test(owner)) return undefined;
  const name = access.name.text;
  return OWN_IDENTITY.test(name) ? undefined : name;
}

/** The column of `{ clinicId: <access> }` or `.where('court.clubId', <access>)` (→ `clubId`), if it is an id column. */
function comparedWithIdColumn(access: ts.PropertyAccessExpression): string | undefined {
  const parent = access.parent;
  let column: string | undefined;
  if (ts.isPropertyAssignment(parent) && parent.initializer === access) column = parent.name.getText().replace(/['"]/g, '');
  else if (ts.isCallExpression(parent) && /^(?:where|andWhere|orWhere)$/.test(methodName(parent) ?? '') && parent.arguments[1] === access) column = stringValue(parent.arguments[0]);
  return column && ID_COLUMN.test(column) ? column.replace(/^.*\./, '') : undefined;
}

const singular = (name: string): string => name.toLowerCase().replace(/s$/, '');

/**
 * Models that carry the tenant: a query chain on them that names the tenant column or a tenant helper
 * (`Court.query().where({ clubId })`, `Order.findAll({ where: storeScope(req) })`), a Sequelize
 * `define('Patient', { clinicId })`, or a model class whose body names the column (Objection relation joins).
 */
function tenantModels(ctx: ProbeContext, markers: ReadonlySet<string>): Set<string> {
  const marker = new RegExp(`\\b(?:${[...markers].flatMap((m) => [m, m.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()]).join('|')})\\b`);
  const models = new Set<string>();
  for (const file of ctx.scripts()) {
    for (const call of ctx.calls(file)) {
      if (ts.isPropertyAccessExpression(call.parent) || !marker.test(call.getText())) continue;
      const defined = methodName(call) === 'define' ? stringValue(call.arguments[0]) : undefined;
      const root = defined ?? /^\s*(?:await\s+)?([A-Za-z_$][\w$]*)\s*\.(?!define\b)/.exec(call.getText())?.[1];
      if (root) models.add(singular(root));
    }
    for (const cls of findNodes(ctx.ast(file), ts.isClassDeclaration)) if (cls.name && marker.test(cls.getText())) models.add(singular(cls.name.text));
  }
  return models;
}

function namedFunction(statement: ts.Statement): { name: string; body: ts.Node | undefined } | undefined {
  if (ts.isFunctionDeclaration(statement) && statement.name) return { name: statement.name.text, body: statement.body };
  if (!ts.isVariableStatement(statement)) return undefined;
  const decl = statement.declarationList.declarations[0];
  return decl && ts.isIdentifier(decl.name) && decl.initializer && isFunctionLike(decl.initializer) ? { name: decl.name.text, body: decl.initializer.body } : undefined;
}
