import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, enclosingFunction, expressionName, findNodes, lineOf, methodName, propertyOf, ts } from '../support/ast.js';
import { drizzleUpdate } from '../support/data-access.js';
import { defineProbe, type Hit } from '../types.js';

const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findById', 'findByPk']);
const WRITES = new Set(['update', 'updateOne', 'updateMany', 'upsert', 'save', 'findByIdAndUpdate', 'findOneAndUpdate', 'persistAndFlush']);
/** Array edits on a loaded document: Mongoose saves the whole array back, not the one element. */
const ARRAY_MUTATORS = new Set(['push', 'unshift', 'splice', 'pull', 'addToSet', 'pop', 'shift']);
const ARITHMETIC = new Set([ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken]);
const COMPOUND = new Set([ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken, ts.SyntaxKind.SlashEqualsToken]);
/** Transactions, row locks and lock helpers make the read and the write one unit (or one at a time). */
const SERIALISED = /\$transaction|\.transaction\(|withTransaction|startTransaction|startSession|transaction\s*:|\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b|\block\s*:|optimisticConcurrency|redlock|mutex|acquireLock|withLock|advisory_/i;
/** A version, timestamp or etag in the write's filter is an optimistic check: a stale write matches no row. */
const VERSION_KEY = /^(?:version|__v|updatedAt|updated_at|revision|etag|lockVersion)$/;
const SELECT = /^\s*select\b[\s\S]*?\bfrom\s+["`]?(\w+)/i;
const UPDATE = /^\s*update\s+["`]?(\w+)["`]?\s+set\s+([\s\S]*)$/i;
/** Money and stock lose real value on a lost update; a view counter only loses a count. */
const SCARCE = /balance|credit|uses|redemption|stock|quantity|qty|inventory|amount|points|seats|remaining|available|funds|wallet|total|price|limit|quota/i;
/** Prints code without its comments, so a comment that mentions a transaction is not one. */
const PRINTER = ts.createPrinter({ removeComments: true });
const NEEDLES = [...READS, /select\b/i];
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|migrations?|seeds?|prisma)\//;

/** A loaded record: its variable, the locals destructured from it (local → field), and what it was read from. */
type Read = { readonly call: ts.CallExpression; readonly record?: string; readonly locals: Map<string, string>; readonly model: string; readonly table?: string };

export default defineProbe({
  meta: {
    id: 'read-modify-write-without-transaction',
    title: 'Read-modify-write without a transaction or lock',
    category: 'Concurrency',
    severity: 'HIGH',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-362',
    confidence: 'medium',
    description: 'A function reads a record (findUnique, findOne, findById, Drizzle `select().from(t)`, SELECT) and writes back a value computed from it (`balance: user.balance - amount`, `stock -= qty` or `members.push(id)` then save) with no transaction, row lock, atomic operator or version check.',
    impact: 'Two concurrent requests read the same value and the later write silently overwrites the earlier one: balances go wrong, stock oversells and counters lose increments.',
    remediation: 'Use an atomic update (`{ decrement: amount }`, `$inc`, `SET balance = balance - $1`) with the precondition in the where clause, or do the read and write in a transaction with `SELECT ... FOR UPDATE`, or add a version column and check it in the update.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(NEEDLES).length > 0,
  detect: (ctx) => ctx.scripts(NEEDLES).filter((file) => !NOT_SERVER_PATH.test(file.path) && !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  return findNodes(ctx.ast(file), ts.isCallExpression).flatMap((call) => {
    const read = readOf(call);
    const fn = read && enclosingFunction(call);
    if (!read || !fn?.body || SERIALISED.test(PRINTER.printNode(ts.EmitHint.Unspecified, fn.body, fn.getSourceFile())) || insideTransactionCall(call)) return [];
    for (const write of findNodes(fn.body, ts.isCallExpression).filter((w) => w.getStart() > call.getEnd())) {
      const field = read.table ? sqlWrite(read, write, fn) : ormWrite(read, write, fn);
      if (!field) continue;
      const message = `${read.table ?? read.model} is read on line ${lineOf(call)} and ${field} is written back computed from that read, with no transaction, lock or version check: concurrent requests overwrite each other.`;
      return [{ file, line: lineOf(write), message, ...(SCARCE.test(field) ? {} : { severity: 'MEDIUM' as const }) }];
    }
    return [];
  });
}

function readOf(call: ts.CallExpression): Read | undefined {
  let node: ts.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isNonNullExpression(node.parent) || ts.isAsExpression(node.parent)) node = node.parent;
  const decl = node.parent;
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== node) return undefined;
  const record = ts.isIdentifier(decl.name) ? decl.name.text : undefined;
  // `const { balance } = ...` maps balance → balance; `const [rows] = ...` (mysql2) only names the rows.
  const elements = ts.isIdentifier(decl.name) ? [] : (decl.name.elements as readonly ts.ArrayBindingElement[]).filter(ts.isBindingElement);
  const locals = new Map(elements.flatMap((el) => (ts.isIdentifier(el.name) ? [[el.name.text, el.propertyName?.getText() ?? (ts.isArrayBindingPattern(decl.name) ? '*' : el.name.text)] as const] : [])));
  const sql = call.arguments[0] && ts.isStringLiteralLike(call.arguments[0]) ? SELECT.exec(call.arguments[0].text) : null;
  if (sql) return { call, record, locals, model: '', table: sql[1]!.toLowerCase() };
  const drizzleTable = drizzleSelectTable(call);
  // `const [account] = await db.select().from(accounts).where(...)`: the one row is the record.
  const first = ts.isArrayBindingPattern(decl.name) ? decl.name.elements[0] : undefined;
  if (drizzleTable) return { call, record: record ?? (first && ts.isBindingElement(first) && ts.isIdentifier(first.name) ? first.name.text : undefined), locals, model: drizzleTable };
  const method = methodName(call);
  if (!method || !READS.has(method) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  return { call, record, locals, model: modelKey(call.expression.expression) };
}

/** `prisma.user` and `tx.user` → "user"; `this.userRepository` → "user"; `User` → "user". */
function modelKey(receiver: ts.Expression): string {
  return (expressionName(receiver).split('.').at(-1) ?? '').replace(/(?:Repo|Repository|Model)$/, '').toLowerCase();
}

/** Inside `prisma.$transaction(async (tx) => ...)`, `dataSource.transaction(...)`, `sequelize.transaction(...)`. */
const insideTransactionCall = (node: ts.Node): boolean => !!node.parent && ((ts.isCallExpression(node.parent) && /transaction/i.test(calleeName(node.parent))) || insideTransactionCall(node.parent));

/** True when `expr` reads `field` of the loaded record: `user.balance` or a destructured `balance`. */
function readsField(read: Read, expr: ts.Node, field: string): boolean {
  return [expr, ...findNodes(expr, (n): n is ts.Node => n !== undefined)].some(
    (n) => (ts.isPropertyAccessExpression(n) && n.name.text === field && ts.isIdentifier(n.expression) && n.expression.text === read.record) || (ts.isIdentifier(n) && read.locals.get(n.text) === field),
  );
}

/** `balance - amount` or `[...post.tags, tag]`: a new value derived from the old one. */
function derived(read: Read, expr: ts.Expression, field: string): boolean {
  if (ts.isBinaryExpression(expr) && ARITHMETIC.has(expr.operatorToken.kind)) return readsField(read, expr, field);
  if (ts.isArrayLiteralExpression(expr)) return expr.elements.some((el) => ts.isSpreadElement(el) && readsField(read, el, field));
  return ts.isParenthesizedExpression(expr) && derived(read, expr.expression, field);
}

/** Drizzle `db.select().from(accounts).where(...)` → "accounts", unless it locks the rows (`.for('update')`). */
function drizzleSelectTable(call: ts.CallExpression): string | undefined {
  let table: string | undefined;
  for (let node: ts.Expression = call; ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression); node = node.expression.expression) {
    const method = node.expression.name.text;
    if (method === 'for') return undefined;
    const inner = node.expression.expression;
    if (method === 'from' && node.arguments.length === 1 && ts.isIdentifier(node.arguments[0]!) && ts.isCallExpression(inner) && methodName(inner) === 'select') table = node.arguments[0].text.toLowerCase();
  }
  return table;
}

/**
 * Drizzle `db.update(accounts).set({ balance: account.balance - amount }).where(...)`: a write of the table
 * read, unless its where compares a version column or the written field itself (an optimistic check).
 */
function drizzleWrite(read: Read, write: ts.CallExpression): string | undefined {
  const update = drizzleUpdate(write);
  if (!update || !ts.isIdentifier(update.table) || update.table.text.toLowerCase() !== read.model) return undefined;
  const { table, changes } = update as { table: ts.Identifier; changes: ts.ObjectLiteralExpression };
  const where = ts.isPropertyAccessExpression(write.parent) && write.parent.name.text === 'where' && ts.isCallExpression(write.parent.parent) ? write.parent.parent : undefined;
  const compared = new Set((where ? findNodes(where, ts.isPropertyAccessExpression) : []).filter((p) => p.expression.getText() === table.text).map((p) => p.name.text));
  for (const prop of changes.properties) {
    if (!ts.isPropertyAssignment(prop) || !derived(read, prop.initializer, prop.name.getText())) continue;
    const field = prop.name.getText();
    return [...compared].some((c) => VERSION_KEY.test(c) || c === field) ? undefined : field;
  }
  return undefined;
}

function ormWrite(read: Read, write: ts.CallExpression, fn: ts.FunctionLikeDeclaration): string | undefined {
  const drizzle = drizzleWrite(read, write);
  if (drizzle) return drizzle;
  const method = methodName(write);
  if (!method || !WRITES.has(method) || !ts.isPropertyAccessExpression(write.expression)) return undefined;
  const onRecord = write.expression.expression.getText() === read.record;
  if (!onRecord && modelKey(write.expression.expression) !== read.model) return undefined;
  // Prisma `update({ where, data })` and Sequelize `update(changes, { where })`; otherwise a second argument
  // means `updateOne(filter, changes)`, TypeORM `update(criteria, changes)` or `findByIdAndUpdate(id, changes)`.
  const [first, second] = write.arguments.map((a) => (ts.isObjectLiteralExpression(a) ? a : undefined));
  const sequelize = second && propertyOf(second, 'where');
  const filter = sequelize ?? (write.arguments.length > 1 ? first : first && propertyOf(first, 'where'));
  const changes = write.arguments.length > 1 && !sequelize ? second : first;
  const data = (changes ? [changes, propertyOf(changes, 'data'), propertyOf(changes, 'update'), propertyOf(changes, '$set')] : []).filter((o): o is ts.ObjectLiteralExpression => !!o && ts.isObjectLiteralExpression(o));
  for (const prop of data.flatMap((o) => o.properties)) {
    if (!ts.isPropertyAssignment(prop) || !derived(read, prop.initializer, prop.name.getText())) continue;
    const field = prop.name.getText();
    if (filter && ts.isObjectLiteralExpression(filter) && filter.properties.some((p) => p.name && (VERSION_KEY.test(p.name.getText()) || p.name.getText() === field))) return undefined;
    return field;
  }
  // `product.stock -= qty; await product.save()` (or `repo.save(product)`) after mutating the loaded object.
  const saves = method === 'save' || method === 'persistAndFlush';
  if (!saves || !(onRecord || write.arguments.some((a) => ts.isIdentifier(a) && a.text === read.record))) return undefined;
  return findNodes(fn.body!, ts.isExpression).map((e) => mutatedField(read, e)).find((f) => f !== undefined);
}

/** `x.f -= n`, `x.f++`, `x.f = x.f * 2`: the loaded object changed relative to what was read. */
function mutatedField(read: Read, expr: ts.Expression): string | undefined {
  // `room.members.push(id)`: the array read with the document is written back whole by save().
  if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && ARRAY_MUTATORS.has(expr.expression.name.text)) {
    const list = expr.expression.expression;
    return ts.isPropertyAccessExpression(list) && list.expression.getText() === read.record ? list.name.text : undefined;
  }
  const unary = ts.isPrefixUnaryExpression(expr) || ts.isPostfixUnaryExpression(expr);
  const target = ts.isBinaryExpression(expr) ? expr.left : unary ? expr.operand : undefined;
  if (!target || !ts.isPropertyAccessExpression(target) || target.expression.getText() !== read.record) return undefined;
  const field = target.name.text;
  if (unary) return expr.operator === ts.SyntaxKind.PlusPlusToken || expr.operator === ts.SyntaxKind.MinusMinusToken ? field : undefined;
  const binary = expr as ts.BinaryExpression;
  return COMPOUND.has(binary.operatorToken.kind) || (binary.operatorToken.kind === ts.SyntaxKind.EqualsToken && derived(read, binary.right, field)) ? field : undefined;
}

/** `UPDATE accounts SET balance = $1` whose parameter was computed from the rows a SELECT on the same table returned. */
function sqlWrite(read: Read, write: ts.CallExpression, fn: ts.FunctionLikeDeclaration): string | undefined {
  const [sql, params] = write.arguments;
  const update = sql && ts.isStringLiteralLike(sql) ? UPDATE.exec(sql.text) : null;
  const column = update && /(\w+)\s*=\s*(?:\$\d+|\?)/.exec(update[2]!)?.[1];
  if (!column || update[1]!.toLowerCase() !== read.table || !params || !ts.isArrayLiteralExpression(params)) return undefined;
  // Names holding data from the SELECT, then names holding arithmetic on it (two passes: declaration order does not matter).
  const fromRows = new Set([read.record, ...read.locals.keys()].filter((n): n is string => !!n));
  const mentions = (n: ts.Node): boolean => [n, ...findNodes(n, ts.isIdentifier)].some((id) => ts.isIdentifier(id) && fromRows.has(id.text));
  const computed = new Set<string>();
  const isComputed = (e: ts.Expression): boolean => (ts.isBinaryExpression(e) && ARITHMETIC.has(e.operatorToken.kind) && mentions(e)) || (ts.isIdentifier(e) && computed.has(e.text));
  const declarations = findNodes(fn.body!, ts.isVariableDeclaration).filter((d) => d.initializer && ts.isIdentifier(d.name));
  for (const decl of [...declarations, ...declarations]) {
    if (isComputed(decl.initializer!)) computed.add(decl.name.getText());
    else if (mentions(decl.initializer!)) fromRows.add(decl.name.getText());
  }
  return params.elements.some((el) => ts.isExpression(el) && isComputed(el)) ? column : undefined;
}
