import type { ProbeContext } from '../context.js';
import { chainAbove, endLineOf, findNodes, isFunctionLike, lineOf, methodName, propertyOf, stringValue, ts, walkNodes } from '../support/ast.js';
import { routeIsAuthenticated, staffOnly } from '../support/auth.js';
import { declaredModels, queryChainTarget } from '../support/models.js';
import { serverActions } from '../support/server-actions.js';
import { CALLER, mentionsTenant, tenantScope } from '../support/tenant.js';
import { defineProbe, type Hit } from '../types.js';

/** Request parts an attacker edits freely in the URL. */
const PARAM_READ = /\b(?:req|request|ctx|context)\.(?:params|query)\b|\bc\.req\.(?:param|query)\(/;
/** Anything that ties the lookup to the caller or hands the decision to an authorization layer. */
const OWNERSHIP = /\b(?:req|request|ctx\.state|res\.locals|session|c\.var)\.(?:user|auth|userId)\b|\bcurrentUser\b|\b(?:user|owner|author|creator|tenant|org|organization|organisation|account|workspace|team|company|customer|member)_?[iI]d\b|\bcreatedBy\b|\b(?:authorize|can|cannot|checkAbility|enforce|permit|isOwner|hasAccess|hasPermission|assert\w*|ensure\w*|check\w*|verify\w*(?:Owner|Access|Permission)\w*)\s*\(|\bability\b|\bpolicy\b|Policy\b/;
const BY_ID = new Set(['findById', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove', 'findByPk', 'delete', 'update', 'softDelete', 'deleteById', 'patchAndFetchById', 'updateAndFetchById']);
/** Objection/Knex chain filters: `Order.query().where('id', id)`, `knex('orders').where({ id })`. */
const CHAIN_WHERE = new Set(['where', 'andWhere']);
/** What a chain does with the row it found: `.findById(id).patch(...)`, `.where({ id }).del()`. */
const CHAIN_WRITE = /^(?:patch|update|delete|del|deleteById|patchAndFetch|updateAndFetch|relate|unrelate)$/;
const BY_WHERE = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'update', 'delete', 'upsert', 'findOne', 'findOneBy', 'findOneByOrFail', 'findOneOrFail', 'deleteOne', 'updateOne', 'findOneAndUpdate', 'findOneAndDelete', 'destroy', 'softDelete']);
const ID_KEY = /^(?:_id|id|uuid|slug|[a-z]\w*Id)$/;
/** Records that usually belong to one user or tenant, when no Prisma schema says otherwise. */
const OWNED_NAME = /order|invoice|payment|document|file|upload|attachment|message|conversation|chat|note|address|card|subscription|ticket|booking|reservation|transaction|cart|wallet|statement|receipt|project|workspace|draft|appointment|prescription|contract|expense|payout|refund|notification|apikey|credential|photo|report|todo|task/;
/** Columns that make a row private to its owner, and (for writes only) columns that name its public author or seller. */
const PRIVATE_OWNER = /^\s+(?:user|owner|tenant|org|organization|organisation|account|customer|workspace|team|company|member|buyer|patient)(?:Id|_id|ID)?\s/m;
const AUTHOR = /^\s+(?:author|creator|createdBy|seller|vendor|merchant|host|provider|poster)(?:Id|_id|ID)?\s/m;
/** Records most apps show to every signed-in user, whoever wrote them. */
const PUBLIC_NAME = /post|comment|review|listing|product|article|category|tag|rating|event|course|lesson|page|question|answer|thread|reply/;

export default defineProbe({
  meta: {
    id: 'idor-missing-ownership-check',
    title: 'Record loaded by URL id without an ownership check',
    category: 'Permissions',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-639',
    confidence: 'medium',
    description: 'An authenticated route reads, updates or deletes a user-owned record by an id taken from the URL (params or query) without filtering or checking it against the current user or tenant. In a multi-tenant app (its queries scope by a caller attribute such as `req.user.orgId`), a signed-in route, staff routes included, that loads a tenant-owned row by any client-sent id (URL or body) without that scope is reported too.',
    impact: 'Any signed-in user can read or change other users’ records by editing the id in the URL (insecure direct object reference).',
    remediation: 'Scope the query to the caller (`where: { id, userId: req.user.id }`) or compare the record’s owner with the caller before returning or changing it, ideally through one shared authorization helper.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().some((route) => route.handler !== undefined) || serverActions(ctx).length > 0,
  detect(ctx) {
    const owned = ownedModels(ctx);
    const unchecked = (fn: ts.FunctionLikeDeclaration, params: Set<string>): Access | undefined =>
      fn.body && !OWNERSHIP.test(fn.body.getText()) ? findNodes(fn.body, ts.isCallExpression).map((call) => recordAccess(call, params)).find((a) => a && isOwned(a.model, a.write, owned)) : undefined;
    const hits = ctx.routes().flatMap((route): Hit[] => {
      const access = route.handler && routeIsAuthenticated(ctx, route) && !staffOnly(ctx, route) ? unchecked(route.handler, paramNames(route.handler)) : undefined;
      return access ? [{ file: route.file, line: lineOf(access.call), endLine: endLineOf(access.call), message: `${route.method} ${route.path} ${access.write ? 'changes' : 'loads'} the ${access.model} whose id comes from the URL and never checks that it belongs to the caller.` }] : [];
    });
    // A server action's arguments (its FormData included) come from the client just as a URL does.
    const actions = serverActions(ctx).flatMap(({ file, fn }): Hit[] => {
      const access = unchecked(fn, paramNames(fn, fn.parameters.map((p) => p.name.getText())));
      return access ? [{ file, line: lineOf(access.call), endLine: endLineOf(access.call), message: `This server action ${access.write ? 'changes' : 'loads'} the ${access.model} whose id the client sends, without checking that it belongs to the caller.` }] : [];
    });
    return [...hits, ...actions, ...tenantHits(ctx, hits)];
  },
});

/** Equality tests and filters that compare a row with the caller: `if (row.memberId !== request.auth.credentials.sub)`. */
const EQUALITY = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);
const AUTHORIZE_CALL = /\b(?:authorize|can|cannot|checkAbility|enforce|permit|isOwner|hasAccess|hasPermission)\s*\(/;

/**
 * In a multi-tenant app (its queries scope by a caller attribute such as `req.user.clinicId`), a handler that
 * loads a row by an id the client sends (URL, query or body), and neither scopes by the tenant nor compares the
 * row with the caller, lets one tenant's user (staff included: staff belong to a tenant too) reach another's rows.
 */
function tenantHits(ctx: ProbeContext, already: readonly Hit[]): Hit[] {
  const scope = tenantScope(ctx);
  if (scope.attributes.size === 0) return [];
  const seen = new Set(already.map((hit) => `${hit.file.path}:${hit.line}`));
  return ctx.routes().flatMap((route): Hit[] => {
    const fn = route.handler;
    // A public route (sign-up, a webhook, a page by slug) has no caller whose tenant could be checked.
    const hasCaller = (body: ts.Node): boolean => routeIsAuthenticated(ctx, route) || CALLER.test(body.getText());
    if (!fn?.body || !hasCaller(fn.body) || mentionsTenant(fn.body, scope) || comparesWithCaller(fn.body)) return [];
    const request = fn.parameters[0]?.name;
    const seeds = request && ts.isIdentifier(request) ? [`${request.text}.body`, `${request.text}.payload`] : [];
    const names = paramNames(fn, seeds);
    const access = findNodes(fn.body, ts.isCallExpression).map((call) => recordAccess(call, names)).find((a) => a !== undefined && scope.models.has(a.model.replace(/s$/, '')));
    if (!access || seen.has(`${route.file.path}:${lineOf(access.call)}`)) return [];
    return [{ file: route.file, line: lineOf(access.call), endLine: endLineOf(access.call), message: `${route.method} ${route.path} ${access.write ? 'changes' : 'loads'} the ${access.model} by an id the client sends, in an app whose queries are scoped by the caller's ${[...scope.attributes].join('/')}, without that scope or an owner check.` }];
  });
}

function comparesWithCaller(body: ts.Node): boolean {
  if (AUTHORIZE_CALL.test(body.getText())) return true;
  const compared = findNodes(body, ts.isBinaryExpression).some((b) => EQUALITY.has(b.operatorToken.kind) && CALLER.test(b.getText()));
  const filtered = findNodes(body, ts.isCallExpression).some((call) => /^(?:where|andWhere)$/.test(methodName(call) ?? '') && call.arguments.some((arg) => CALLER.test(arg.getText())))
    || findNodes(body, ts.isPropertyAssignment).some((p) => p.name.getText() === 'where' && CALLER.test(p.initializer.getText()));
  return compared || filtered;
}

/** Local names holding URL data: Nest `@Param()`/`@Query()` parameters, Next's `{ params }`, and variables assigned from them. */
function paramNames(fn: ts.FunctionLikeDeclaration, seed: readonly string[] = []): Set<string> {
  const names = new Set<string>(seed);
  const bind = (b: ts.BindingName): void => {
    if (ts.isIdentifier(b)) names.add(b.text);
    else for (const el of b.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  fn.parameters.forEach((param, index) => {
    const decorators = ts.canHaveDecorators(param) ? (ts.getDecorators(param) ?? []) : [];
    if (decorators.some((d) => /^(?:Param|Query)\b/.test(d.expression.getText()))) bind(param.name);
    if (index === 0 && ts.isIdentifier(param.name) && decorators.length === 0) names.add(`${param.name.text}.params`).add(`${param.name.text}.query`);
    if (ts.isObjectBindingPattern(param.name)) {
      for (const el of param.name.elements) if (/^(?:params|query)$/.test((el.propertyName ?? el.name).getText())) bind(el.name);
    }
  });
  for (let pass = 0; pass < 2; pass++) {
    walkNodes(fn, (node) => {
      if (node !== fn && isFunctionLike(node) && !ts.isArrowFunction(node)) return false;
      if (ts.isVariableDeclaration(node) && node.initializer && fromUrl(node.initializer, names)) bind(node.name);
      return undefined;
    });
  }
  return names;
}

function fromUrl(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (PARAM_READ.test(node.getText())) return true;
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if ((ts.isIdentifier(child) || ts.isPropertyAccessExpression(child)) && names.has(child.getText()) && !(ts.isPropertyAccessExpression(child.parent) && child.parent.name === child)) found = true;
    else ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

interface Access {
  readonly call: ts.CallExpression;
  readonly model: string;
  readonly write: boolean;
}

/** `prisma.order.findUnique({ where: { id } })`, `Order.findById(id)`, `repo.delete(id)`, `Order.destroy({ where: { id } })`. */
function recordAccess(call: ts.CallExpression, params: ReadonlySet<string>): Access | undefined {
  const method = methodName(call) ?? '';
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const drizzle = drizzleAccess(call, params);
  if (drizzle) return drizzle;
  const [first, second] = call.arguments;
  let byUrl = BY_ID.has(method) && first !== undefined && !ts.isObjectLiteralExpression(first) && fromUrl(first, params);
  if (!byUrl && BY_WHERE.has(method)) {
    const holder = method === 'update' && second && ts.isObjectLiteralExpression(second) && propertyOf(second, 'where') ? second : first;
    const whereProp = holder && ts.isObjectLiteralExpression(holder) ? propertyOf(holder, 'where') : undefined;
    const where = whereProp ?? holder;
    // A single id key: any other key (owner, status, published) may be what scopes the lookup.
    if (where && ts.isObjectLiteralExpression(where) && where.properties.length === 1) {
      const prop = where.properties[0]!;
      const key = prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : '';
      const value = ts.isPropertyAssignment(prop) ? prop.initializer : ts.isShorthandPropertyAssignment(prop) ? prop.name : undefined;
      byUrl = ID_KEY.test(key) && value !== undefined && fromUrl(value, params);
    }
  }
  const chained = queryChainTarget(callee.expression);
  if (!byUrl && chained && CHAIN_WHERE.has(method) && call.arguments.length === 2 && /^(?:\w+\.)?(?:id|uuid|slug)$/.test(stringValue(first) ?? '')) byUrl = fromUrl(second!, params);
  if (!byUrl && chained && CHAIN_WHERE.has(method) && first && ts.isObjectLiteralExpression(first) && first.properties.length === 1) {
    const prop = first.properties[0]!;
    const value = ts.isPropertyAssignment(prop) ? prop.initializer : ts.isShorthandPropertyAssignment(prop) ? prop.name : undefined;
    byUrl = !!prop.name && ID_KEY.test(prop.name.getText()) && value !== undefined && fromUrl(value, params);
  }
  if (!byUrl) return undefined;
  // `getRepository(Order).findOne(...)` names its entity in the argument; `Order.query().findById(id)` and `knex('orders')` start the chain with it.
  const target = chained ?? (ts.isCallExpression(callee.expression) ? (callee.expression.arguments[0]?.getText() ?? '') : callee.expression.getText());
  const model = (/[\w$]+$/.exec(target)?.[0] ?? '').replace(/(?:Repo|Repository|Model|Collection)$/i, '').toLowerCase();
  return model ? { call, model, write: /update|delete|destroy|remove|upsert|patch/i.test(method) || chainAbove(call).some((m) => CHAIN_WRITE.test(m)) } : undefined;
}

/** Drizzle's filter on one key column: `eq(documents.id, id)` → documents, with the compared value. */
function drizzleIdFilter(filter: ts.Expression | undefined): { table: string; value: ts.Expression } | undefined {
  if (!filter || !ts.isCallExpression(filter) || filter.expression.getText() !== 'eq' || filter.arguments.length !== 2) return undefined;
  const [column, value] = filter.arguments;
  if (!column || !value || !ts.isPropertyAccessExpression(column) || !ID_KEY.test(column.name.text) || !ts.isIdentifier(column.expression)) return undefined;
  return { table: column.expression.text, value };
}

/**
 * Drizzle lookups by a URL id alone: `db.select().from(t).where(eq(t.id, id))`, `db.update(t).set(...).where(...)`,
 * `db.delete(t).where(...)`, `db.query.t.findFirst({ where: eq(t.id, id) })`. An `and(...)` filter may hold the owner and is left alone.
 */
function drizzleAccess(call: ts.CallExpression, params: ReadonlySet<string>): Access | undefined {
  const method = methodName(call) ?? '';
  const options = call.arguments[0];
  const filter = method === 'where' ? drizzleIdFilter(options) : /^findFirst$/.test(method) && options && ts.isObjectLiteralExpression(options) ? drizzleIdFilter(propertyOf(options, 'where')) : undefined;
  if (!filter || !fromUrl(filter.value, params) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const builders: string[] = [];
  for (let node: ts.Expression = call.expression.expression; ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression); node = node.expression.expression) {
    if (node.arguments[0]?.getText() === filter.table) builders.push(node.expression.name.text);
  }
  const onTable = method === 'findFirst' ? call.expression.expression.getText().endsWith(`.query.${filter.table}`) : builders.some((b) => /^(?:from|update|delete)$/.test(b));
  return onTable ? { call, model: filter.table.toLowerCase(), write: builders.some((b) => b === 'update' || b === 'delete') } : undefined;
}

/** Models with an owner column (Prisma, Mongoose, TypeORM), or (without a declaration for the model) a name that is usually owned. */
function ownedModels(ctx: ProbeContext): Map<string, { read: boolean; write: boolean }> {
  const models = new Map<string, { read: boolean; write: boolean }>();
  for (const [name, model] of declaredModels(ctx)) {
    const fields = model.fields.map((field) => `  ${field} `).join('\n');
    const read = PRIVATE_OWNER.test(fields) && !PUBLIC_NAME.test(name);
    models.set(name, { read, write: read || PRIVATE_OWNER.test(fields) || AUTHOR.test(fields) });
  }
  return models;
}

function isOwned(model: string, write: boolean, schema: ReadonlyMap<string, { read: boolean; write: boolean }>): boolean {
  // Reading another user's public profile is normal; changing or deleting it is not.
  if (/^users?$/.test(model)) return write;
  const known = schema.get(model) ?? schema.get(model.replace(/s$/, ''));
  return known ? known[write ? 'write' : 'read'] : OWNED_NAME.test(model);
}
