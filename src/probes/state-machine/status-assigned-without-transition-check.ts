import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { chainTop, enclosingFunction, expressionName, findNodes, lineOf, methodName, propertyOf, stringValue, ts } from '../support/ast.js';
import { drizzleUpdate } from '../support/data-access.js';
import { queryChainTarget } from '../support/models.js';
import { sourcesOf } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

/** Records whose status moves through a lifecycle where skipping or reversing a step costs money or trust. */
const LIFECYCLE = /order|payment|invoice|subscription|booking|reservation|shipment|refund|withdrawal|payout|transfer|appointment|delivery|checkout|claim|contract|dispute|loan|quote|application|ticket|purchase|job|task/i;
const STATUS_KEY = /^(?:status|state|\w+Status|\w+State)$/;
const WRITES = new Set(['update', 'updateMany', 'updateOne', 'findByIdAndUpdate', 'findOneAndUpdate', 'upsert', 'patch', 'patchAndFetch', 'patchAndFetchById', 'updateAndFetch', 'updateAndFetchById']);
/**
 * Objection/Knex filters: `.where('status', 'paid')`, `.whereIn('status', [...])`, `.where({ status })`.
 * Not `whereNot`/`whereNotIn`: excluding one state still moves records out of every other one, final ones included.
 */
const CHAIN_FILTERS = /^(?:where|andWhere|orWhere|whereIn)$/;
const SAVES = new Set(['save', 'persist', 'persistAndFlush', 'flush', 'update']);
/** Reads whose first argument is a filter: a status in it means only a record in that state is loaded. */
const FINDS = new Set(['findOne', 'find', 'findOneBy', 'findBy', 'findOneOrFail', 'findOneByOrFail', 'countDocuments', 'count', 'exists']);
const EQUALITY = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);
/** A state machine or transition helper decides instead (xstate, javascript-state-machine, a hand-written canTransition). */
const MACHINE = /transition|machine|^fsm$/i;
/** `canShip(order)`, `assertCancellable(order)`, `isRefundable(order)`: a guard named for the transition. */
const GUARD_NAME = /^(?:assert|ensure|check|can)\w*(?:Status|State)$|^(?:assert|ensure|can|guard)[A-Z]\w*$|^is[A-Z]\w*(?:able|Pending|Paid|Open|Active|Final|Terminal|Draft)$/;
const SQL_UPDATE = /^\s*update\s+["`]?(\w+)["`]?\s+set\s+[\s\S]*?\b((?:\w+_)?(?:status|state))\s*=\s*'(\w+)'/i;
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|migrations?|seeds?|prisma)\//;

export default defineProbe({
  meta: {
    id: 'status-assigned-without-transition-check',
    title: 'Status set without checking the current status',
    category: 'State Machine',
    severity: 'MEDIUM',
    phase: 3,
    agent: 'code-auditor',
    confidence: 'medium',
    description: 'An order, payment, booking, job or similar record gets a new status (`status: \'shipped\'`, `order.status = \'REFUNDED\'`) in a function that never reads or checks its current status, in code or in the update’s where clause (Prisma, TypeORM, Sequelize, Mongoose, Objection/Knex, Drizzle `update(t).set(...)`).',
    impact: 'Illegal transitions go through: a refunded order gets shipped, a cancelled booking is confirmed by a late webhook, a paid invoice is paid again, and the data no longer tells what really happened.',
    remediation: 'Guard each transition: put the allowed previous status in the where clause (`where: { id, status: \'paid\' }`) and treat zero updated rows as a conflict, or check it through one transition table or a state-machine library.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts([STATUS_NEEDLE]).length > 0,
  detect: (ctx) => ctx.scripts([STATUS_NEEDLE]).filter((file) => !NOT_SERVER_PATH.test(file.path) && !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

const STATUS_NEEDLE = /(?:status|state)["'`]?\s*[:=]/i;

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const sf = ctx.ast(file);
  if (/from\s+['"](?:xstate|javascript-state-machine|robot3|@xstate\/\w+|typescript-fsm)['"]/.test(file.text)) return [];
  const hits: Hit[] = [];
  const report = (node: ts.Node, entity: string, key: string, value: string, write?: ts.CallExpression): void => {
    const fn = enclosingFunction(node);
    if (!fn?.body || findNodes(fn.body, ts.isIdentifier).some((id) => MACHINE.test(id.text) || GUARD_NAME.test(id.text)) || checksStatus(fn, key, entity, write) || createsEntity(fn, entity)) return;
    if (write && whereVariableFiltersStatus(write, key)) return;
    hits.push({ file, line: lineOf(node), message: `${entity} ${key} is set to ${value} without checking its current ${key}: any previous state, including a final one, is overwritten.` });
  };
  for (const call of findNodes(sf, ts.isCallExpression)) {
    const drizzle = drizzleSet(call);
    if (drizzle) {
      for (const prop of drizzle.data.properties) {
        if (ts.isPropertyAssignment(prop) && STATUS_KEY.test(prop.name.getText()) && isFixedState(prop.initializer)) report(prop, drizzle.table, prop.name.getText(), prop.initializer.getText(), call);
      }
      continue;
    }
    const method = methodName(call);
    if (!method || !WRITES.has(method) || !ts.isPropertyAccessExpression(call.expression)) continue;
    // `prisma.order.update(...)` → order; `Order.query().findById(id).patch(...)`, `knex('orders').update(...)` → the chain's model or table.
    const entity = queryChainTarget(call.expression.expression) ?? expressionName(call.expression.expression).split('.').at(-1) ?? '';
    if (!LIFECYCLE.test(entity)) continue;
    const data = splitUpdate(call).data;
    for (const obj of (data ? [data, propertyOf(data, 'data'), propertyOf(data, '$set'), propertyOf(data, 'update')] : [])) {
      if (!obj || !ts.isObjectLiteralExpression(obj)) continue;
      for (const prop of obj.properties) {
        if (ts.isPropertyAssignment(prop) && STATUS_KEY.test(prop.name.getText()) && isFixedState(prop.initializer)) report(prop, entity, prop.name.getText(), prop.initializer.getText(), call);
      }
    }
  }
  // `order.status = 'REFUNDED'` followed by `order.save()` / `repo.save(order)`.
  for (const assign of findNodes(sf, ts.isBinaryExpression)) {
    const target = assign.left;
    if (assign.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(target) || !STATUS_KEY.test(target.name.text) || !isFixedState(assign.right)) continue;
    const entity = target.expression.getText();
    const fn = enclosingFunction(assign);
    if (!LIFECYCLE.test(entity) || !fn?.body || !savedAfter(fn, assign, entity)) continue;
    report(assign, entity, target.name.text, assign.right.getText());
  }
  for (const literal of findNodes(sf, ts.isStringLiteralLike)) {
    const sql = SQL_UPDATE.exec(literal.text);
    if (sql && LIFECYCLE.test(sql[1]!) && !new RegExp(`\\bwhere\\b[\\s\\S]*\\b${sql[2]}\\b`, 'i').test(literal.text)) report(literal, sql[1]!, sql[2]!, `'${sql[3]}'`);
  }
  return hits;
}

/**
 * Drizzle `db.update(orders).set({ status: 'shipped' })` (or `tx.update(...)`): the table is the argument of
 * `update`, the changes are those of `set`. Its where clause (`eq(orders.status, 'paid')`) is read by checksStatus.
 */
function drizzleSet(call: ts.CallExpression): { table: string; data: ts.ObjectLiteralExpression } | undefined {
  const update = drizzleUpdate(call);
  const name = update?.table.getText().split('.').at(-1) ?? '';
  return update && LIFECYCLE.test(name) ? { table: name, data: update.changes } : undefined;
}

/** `'shipped'` or `OrderStatus.SHIPPED`: a fixed target state, not a value passed through. */
function isFixedState(expr: ts.Expression): boolean {
  if (ts.isStringLiteralLike(expr)) return true;
  return ts.isPropertyAccessExpression(expr) && /(?:Status|State)(?:es)?$|^\$Enums\./.test(expr.expression.getText());
}

function savedAfter(fn: ts.FunctionLikeDeclaration, assign: ts.Node, entity: string): boolean {
  return findNodes(fn.body!, ts.isCallExpression).some((call) => {
    if (call.getStart() < assign.getEnd() || !SAVES.has(methodName(call) ?? '') || !ts.isPropertyAccessExpression(call.expression)) return false;
    return call.expression.expression.getText() === entity || call.arguments.some((a) => a.getText() === entity);
  });
}

/**
 * Filter and changes of an update: `updateOne(filter, changes)`, TypeORM `update(criteria, changes)`,
 * `findByIdAndUpdate(id, changes)`; but Sequelize `update(changes, { where })` and Prisma `update({ where, data })`.
 */
function splitUpdate(call: ts.CallExpression): { filter?: ts.ObjectLiteralExpression; data?: ts.ObjectLiteralExpression } {
  const [first, second] = call.arguments;
  const object = (e: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined => (e && ts.isObjectLiteralExpression(e) ? e : undefined);
  if (second && !propertyOf(object(second) ?? ts.factory.createObjectLiteralExpression(), 'where')) return { filter: object(first), data: object(second) };
  return { data: object(first) };
}

/** The current status is compared, switched on, looked up, or required by a filter. */
function checksStatus(fn: ts.FunctionLikeDeclaration, key: string, entity: string, write?: ts.CallExpression): boolean {
  const isStatus = (e: ts.Node): boolean => (ts.isPropertyAccessExpression(e) && e.name.text === key && !isOtherRecord(e.expression, entity, fn)) || (ts.isIdentifier(e) && e.text === key);
  return findNodes(fn.body!, (n): n is ts.Node => n !== undefined).some((node) => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) return isStatus(node.left) || isStatus(node.right);
    if (ts.isSwitchStatement(node)) return isStatus(node.expression);
    if (ts.isElementAccessExpression(node)) return isStatus(node.argumentExpression);
    if (ts.isCallExpression(node)) {
      if (node.arguments.some(isStatus)) return true;
      const method = methodName(node) ?? '';
      if (CHAIN_FILTERS.test(method) && !filtersAnotherWrite(node, write) && (stringValue(node.arguments[0]) === key || (node.arguments[0] && ts.isObjectLiteralExpression(node.arguments[0]) && hasKey(node.arguments[0], key)))) return true;
      const filter = WRITES.has(method) ? splitUpdate(node).filter : node.arguments[0];
      if ((WRITES.has(method) || FINDS.has(method)) && filter && ts.isObjectLiteralExpression(filter) && hasKey(filter, key)) return true;
    }
    if (ts.isPropertyAssignment(node) && node.name.getText() === 'where' && ts.isObjectLiteralExpression(node.initializer)) return hasKey(node.initializer, key);
    if (ts.isStringLiteralLike(node)) return new RegExp(`\\b(?:where|and)\\b[^;]*\\b${key}\\s*(?:=|<>|!=|in\\b)`, 'i').test(node.text);
    return false;
  });
}

/** `where: { id, status: 'paid' }` or `where: { AND: [{ status: { in: [...] } }] }`. */
function hasKey(obj: ts.ObjectLiteralExpression, key: string): boolean {
  return findNodes(obj, ts.isPropertyAssignment).some((p) => p.name.getText() === key) || obj.properties.some((p) => ts.isShorthandPropertyAssignment(p) && p.name.text === key);
}

/** A record created in the same function has a status the function itself chose. */
function createsEntity(fn: ts.FunctionLikeDeclaration, entity: string): boolean {
  const model = entity.replace(/^\w+\./, '').toLowerCase();
  return findNodes(fn.body!, ts.isCallExpression).some((c) => /^(?:create|insert|insertOne)$/.test(methodName(c) ?? '') && ts.isPropertyAccessExpression(c.expression) && (expressionName(c.expression.expression).split('.').at(-1) ?? '').toLowerCase() === model);
}

/** `Order` → order, `invoiceRepository` → invoice, `bookings` → booking: the record's name as code spells it. */
function recordStem(entity: string): string {
  return entity.replace(/^\w+\./, '').toLowerCase().replace(/(?:repository|repo|model|table|collection)$/, '').replace(/s$/, '');
}

/**
 * The status compared belongs to another record than the one written: `booking.payment.status` before a
 * booking write, or `mp.status` where `mp` came from `mollie.payments.get(...)`. Such a comparison decides
 * what happens next, but says nothing about the written record's own current status.
 */
function isOtherRecord(receiver: ts.Expression, entity: string, fn: ts.FunctionLikeDeclaration): boolean {
  const stem = recordStem(entity);
  const namesOther = (text: string): boolean => LIFECYCLE.test(text) && !text.toLowerCase().includes(stem);
  if (ts.isPropertyAccessExpression(receiver)) return namesOther(receiver.name.text);
  if (!ts.isIdentifier(receiver)) return false;
  const sources = scopesUp(fn).flatMap((scope) => sourcesOf(receiver.text, scope.body!));
  const callees = sources.map((s) => (ts.isAwaitExpression(s) ? s.expression : s)).map((s) => (ts.isCallExpression(s) ? s.expression.getText() : undefined));
  return callees.length > 0 && callees.every((callee) => callee !== undefined && namesOther(callee));
}

/** The function and the functions around it, innermost first: a callback sees the locals of its parents. */
function scopesUp(fn: ts.FunctionLikeDeclaration): ts.FunctionLikeDeclaration[] {
  const scopes: ts.FunctionLikeDeclaration[] = [];
  for (let scope: ts.FunctionLikeDeclaration | undefined = fn; scope?.body; scope = enclosingFunction(scope)) scopes.push(scope);
  return scopes;
}

/**
 * Sequelize `update(changes, { where })` whose `where` is a variable built earlier, possibly outside a
 * transaction callback: `const where = scope(req, { id: ids, status: ['booked', 'confirmed'] })`.
 */
function whereVariableFiltersStatus(write: ts.CallExpression, key: string): boolean {
  const options = write.arguments[1];
  if (!options || !ts.isObjectLiteralExpression(options)) return false;
  const where = options.properties.find((p) => p.name?.getText() === 'where');
  const name = where && ts.isShorthandPropertyAssignment(where) ? where.name : where && ts.isPropertyAssignment(where) ? where.initializer : undefined;
  const fn = enclosingFunction(write);
  if (!name || !ts.isIdentifier(name) || !fn) return false;
  return scopesUp(fn).some((scope) => sourcesOf(name.text, scope.body!).some((init) => [init, ...findNodes(init, ts.isObjectLiteralExpression)].some((obj) => ts.isObjectLiteralExpression(obj) && hasKey(obj, key))));
}

/**
 * `.where({ id, status: 'pending' })` chained onto another update guards that update only: a second
 * write elsewhere in the function (another branch of a webhook) is not filtered by it.
 */
function filtersAnotherWrite(filter: ts.CallExpression, write: ts.CallExpression | undefined): boolean {
  if (!write) return false;
  const top = chainTop(filter);
  if (top === chainTop(write)) return false;
  const calls: ts.CallExpression[] = [];
  for (let node: ts.Expression = top; ts.isCallExpression(node) || ts.isPropertyAccessExpression(node); node = node.expression) if (ts.isCallExpression(node)) calls.push(node);
  return calls.some((c) => WRITES.has(methodName(c) ?? ''));
}
