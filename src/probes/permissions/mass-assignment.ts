import { calleeName, enclosingFunction, lineOf, propertyOf, ts } from '../support/ast.js';
import { modelOf } from '../support/models.js';
import { sourcesOf } from '../support/request-flow.js';
import { tenantScope } from '../support/tenant.js';
import { defineProbe, type Hit } from '../types.js';

/** Writes whose first argument is the record (`create(doc)`) or whose second is the change (`updateOne(filter, change)`). */
const RECORD_FIRST = new Set(['create', 'insert', 'insertOne', 'insertMany', 'save', 'build', 'createMany', 'patch', 'insertGraph', 'upsertGraph', 'insertAndFetch', 'insertGraphAndFetch', 'upsertGraphAndFetch', 'patchAndFetch', 'updateAndFetch']);
const CHANGE_SECOND = new Set(['update', 'updateOne', 'updateMany', 'findByIdAndUpdate', 'findOneAndUpdate', 'replaceOne', 'patchAndFetchById', 'updateAndFetchById']);
/** Fields a user must never set on their own record: role and privilege flags, ownership, verification, credentials. */
const PRIVILEGED = /^(?:roles?|is_?admin|admin|is_?staff|is_?superuser|superuser|permissions?|scopes?|plan|tier|(?:email_?)?verified|is_?verified|approved|owner_?id|user_?id|org_?id|organi[sz]ation_?id|tenant_?id|account_?id|workspace_?id|team_?id|company_?id|author_?id|created_?by|password(?:_?hash)?|reset_?token\w*|api_?key|balance|credits?)$/i;
const WHOLE_BODY = /^(?:req|request|ctx\.request|ctx|context\.req|c\.req)\.body$|^request\.payload$/;

export default defineProbe({
  meta: {
    id: 'mass-assignment',
    title: 'Request body written to a record wholesale',
    category: 'Permissions',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-915',
    confidence: 'medium',
    description: 'A create or update passes the whole request body (or spreads it) into a model whose fields include roles, ownership or verification flags, instead of picking the allowed fields, or sets the tenant column of a multi-tenant app from the body (`orgId: req.body.orgId || req.user.orgId`).',
    impact: 'A caller adds `"role": "admin"`, another tenant’s `orgId` or `"verified": true` to the JSON and the server stores it: privilege escalation and cross-tenant writes.',
    remediation: 'Parse the body with a schema that lists the writable fields (zod, a class-validator DTO with whitelist) and pass only those fields; set ownership and role server-side.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    const validated = new Set<ts.Node>(ctx.routes().filter((r) => r.validate && propertyOf(r.validate, 'payload') && !/\.unknown\(\s*(?:true)?\s*\)/.test(r.validate.getText())).flatMap((r) => (r.handler ? [r.handler] : [])));
    return ctx
      .scripts(['body', 'json()', 'payload'])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file): Hit[] =>
        ctx.calls(file).flatMap((call): Hit[] => {
          const callee = call.expression;
          if (!ts.isPropertyAccessExpression(callee) || callee.expression.getText() === 'Object') return [];
          const method = callee.name.text;
          // Objection's `update(changes)` takes the changes first (the where clause is chained).
          const objection = method === 'update' && call.arguments.length === 1 && /query\(\)/.test(callee.expression.getText().replace(/\s/g, ''));
          let payload = RECORD_FIRST.has(method) || objection || changesFirst(call) ? call.arguments[0] : CHANGE_SECOND.has(method) ? call.arguments[1] : undefined;
          // Prisma: `create({ data })`, `update({ where, data })`.
          const first = call.arguments[0];
          if (first && ts.isObjectLiteralExpression(first) && propertyOf(first, 'data')) payload = propertyOf(first, 'data');
          const fn = enclosingFunction(call);
          if (!payload || !fn) return [];
          // hapi `options.validate.payload`: a Joi object schema rejects keys it does not list.
          if (validated.has(fn)) return [];
          const fromClient = tenantFromClient(payload, tenantScope(ctx).columns);
          if (fromClient) return [{ file, line: lineOf(fromClient), message: `${calleeName(call)}() takes the tenant (${fromClient.name.getText()}) from the request body: a caller writes into another tenant.` }];
          const pinned = pinnedAfterBody(payload, fn);
          if (!pinned) return [];
          const model = modelOf(ctx, callee.expression);
          const open = model?.fields.filter((f) => PRIVILEGED.test(f) && !pinned.has(f));
          if (open && open.length === 0) return [];
          const what = open ? `, including ${open.slice(0, 4).join(', ')}` : '';
          return [{ file, line: lineOf(call), message: `${calleeName(call)}() stores whatever fields the client sends${what}.` }];
        }),
      );
  },
});

const BODY_READ = /\b(?:req|request|ctx\.request|c\.req)\.(?:body|payload)\b/;

/** `{ clinicId: req.body.clinicId || req.user.clinicId }`: the tenant column set from what the client sends. */
function tenantFromClient(raw: ts.Expression, columns: ReadonlySet<string>): ts.PropertyAssignment | undefined {
  const payload = unwrap(raw);
  if (columns.size === 0 || !ts.isObjectLiteralExpression(payload)) return undefined;
  return payload.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && columns.has(p.name.getText()) && BODY_READ.test(p.initializer.getText()));
}

/** When `payload` is the request body or spreads it, the keys written after it (the ones the server still decides). */
function pinnedAfterBody(raw: ts.Expression, fn: ts.FunctionLikeDeclaration): Set<string> | undefined {
  const payload = unwrap(raw);
  if (ts.isObjectLiteralExpression(payload)) {
    const at = payload.properties.findIndex((p) => ts.isSpreadAssignment(p) && isWholeBody(p.expression, fn, 0));
    return at < 0 ? undefined : new Set(payload.properties.slice(at + 1).map((p) => p.name?.getText() ?? '').filter(Boolean));
  }
  return isWholeBody(payload, fn, 0) ? new Set() : undefined;
}

function isWholeBody(raw: ts.Expression, fn: ts.FunctionLikeDeclaration, depth: number): boolean {
  const node = unwrap(raw);
  if (WHOLE_BODY.test(node.getText())) return true;
  if (ts.isCallExpression(node) && /^(?:req|request)\.json$/.test(calleeName(node))) return true;
  if (!ts.isIdentifier(node) || depth > 3) return false;
  // Nest `@Body() body: any`: a DTO class is whitelisted by ValidationPipe, `any` is not.
  const param = fn.parameters.find((p) => p.name.getText() === node.text);
  if (param) return /^@Body\(\s*\)/.test(param.getText()) && (!param.type || /^(?:any|object|Record<.*>|unknown)$/.test(param.type.getText()));
  return sourcesOf(node.text, fn).some((init) => ts.isExpression(init) && isWholeBody(init, fn, depth + 1));
}

/**
 * `update` whose changes come first: a Sequelize instance's `record.update(changes)` or a Knex
 * `query.update(changes)` (one argument), and Sequelize's static `Model.update(changes, { where })`.
 */
function changesFirst(call: ts.CallExpression): boolean {
  if (!/^(?:update|updateOne)$/.test(calleeName(call).replace(/^.*\./, ''))) return false;
  const [, options] = call.arguments;
  if (call.arguments.length === 1) return true;
  return call.arguments.length === 2 && !!options && ts.isObjectLiteralExpression(options) && propertyOf(options, 'where') !== undefined;
}

function unwrap(node: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isAwaitExpression(node) ? unwrap(node.expression) : node;
}
