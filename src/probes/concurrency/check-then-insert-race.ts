import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { enclosingFunction, expressionName, findNodes, lineOf, methodName, propertyOf, ts } from '../support/ast.js';
import { queryChainTarget } from '../support/models.js';
import { defineProbe, type Hit } from '../types.js';

const EXISTS = new Set(['findFirst', 'findOne', 'findOneBy', 'exists', 'findOneByEmail']);
const COUNTS = new Set(['count', 'countDocuments', 'countBy']);
const CREATES = new Set(['create', 'createMany', 'insert', 'insertOne', 'save', 'insertAndFetch']);
/** Objection/Knex existence reads: `Model.query().where(...).first()`, `knex('t').where(...).first()`. */
const CHAIN_EXISTS = new Set(['first']);
const CHAIN_FILTERS = /^(?:where|andWhere|whereIn)$/;
/** Serialised, locked, or the duplicate error is caught and turned into the same answer. */
const HANDLED = /\$transaction\([^)]*isolationLevel|serializable|advisory_(?:xact_)?lock|\bFOR\s+UPDATE\b|redlock|withLock|acquireLock|P2002|E11000|\b11000\b|ER_DUP_ENTRY|23505|unique_violation|UniqueConstraint|upsert|onConflict|orIgnore/i;
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|migrations?|seeds?|prisma)\//;

export default defineProbe({
  meta: {
    id: 'check-then-insert-race',
    title: 'Check-then-insert without a constraint or lock',
    category: 'Concurrency',
    severity: 'HIGH',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-367',
    confidence: 'medium',
    description: 'A function checks that a record does not exist yet (find by a field that no unique constraint covers) or that a count is under a limit, then creates the record, with no transaction, lock or unique constraint to make the check and the insert one step.',
    impact: 'Two concurrent requests both pass the check and both insert: duplicate accounts for one email, a plan limit of 3 projects exceeded by a double click or a script.',
    remediation: 'Let the database decide: a unique constraint (and catch the duplicate-key error) for existence checks; for limits, lock the parent row (`SELECT … FOR UPDATE`) or use a serializable transaction, or keep a counter updated atomically with the limit in its WHERE clause.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts([...EXISTS, ...COUNTS, '.first(']).length > 0,
  detect(ctx) {
    // Joined only when a candidate reaches the unique-constraint question: most audits never ask it.
    let joined: string | undefined;
    const schema = (): string => (joined ??= ctx.view.files.filter((f) => /\.(?:prisma|sql)$|model|schema|entit|(?:^|\/)migrations?\//i.test(f.path)).map((f) => f.text).join('\n'));
    return ctx.scripts([...EXISTS, ...COUNTS, '.first(']).filter((file) => !NOT_SERVER_PATH.test(file.path) && !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file, schema));
  },
});

function checkFile(ctx: ProbeContext, file: SourceFile, schema: () => string): Hit[] {
  return ctx.calls(file).flatMap((call): Hit[] => {
    const method = methodName(call) ?? '';
    if ((!EXISTS.has(method) && !COUNTS.has(method) && !CHAIN_EXISTS.has(method)) || !ts.isPropertyAccessExpression(call.expression)) return [];
    const chained = CHAIN_EXISTS.has(method) || queryChainTarget(call.expression.expression) !== undefined;
    if (CHAIN_EXISTS.has(method) && queryChainTarget(call.expression.expression) === undefined) return [];
    const model = targetKey(call.expression.expression);
    const result = resultName(call);
    const fn = enclosingFunction(call);
    if (!model || !result || !fn?.body || HANDLED.test(fn.body.getText()) || insideTransaction(call)) return [];
    // `if (existing) return 409` (found: stop), not `if (!user) return 404` (a lookup before an update).
    const guard = findNodes(fn.body, ts.isIfStatement).find((s) => s.getStart() > call.getEnd() && mentions(s.expression, result) && (COUNTS.has(method) || !absent(s.expression)) && exits(s.thenStatement));
    const create = guard && findNodes(fn.body, ts.isCallExpression).find((c) => c.getStart() > guard.getEnd() && CREATES.has(methodName(c) ?? '') && ts.isPropertyAccessExpression(c.expression) && c.expression.expression.getText() !== result && targetKey(c.expression.expression) === model);
    if (!create) return [];
    if (COUNTS.has(method)) {
      return [{ file, line: lineOf(call), message: `The ${model} count is checked against a limit and a ${model} is created afterwards as a separate step: concurrent requests all pass the check.` }];
    }
    const fields = chained ? [...filterFields(call), ...chainFilterFields(call)] : filterFields(call);
    if (fields.length === 0 || fields.some((f) => declaredUnique(schema(), f))) return [];
    // An overlap check (`starts_at < ?` and `ends_at > ?`) only an exclusion constraint can enforce.
    if (chained && /\bexclude\s+using\b/i.test(schema())) return [];
    return [{ file, line: lineOf(call), message: `No ${model} with this ${fields.join('/')} is checked for, then one is created, and no unique constraint on ${fields.join('/')} stops two requests doing it at once.` }];
  });
}

function modelKey(receiver: ts.Expression): string {
  return (expressionName(receiver).split('.').at(-1) ?? '').replace(/(?:Repo|Repository|Model|s)$/, '').toLowerCase();
}

/** `Booking.query()…` and `knex('bookings')…` name their model or table; other receivers by their last segment. */
function targetKey(receiver: ts.Expression): string {
  const target = queryChainTarget(receiver);
  return target === undefined ? modelKey(receiver) : target.replace(/s$/, '').toLowerCase();
}

/** The columns a query chain filters on: `.where('court_id', id).whereIn('status', [...])`. */
function chainFilterFields(call: ts.CallExpression): string[] {
  const fields: string[] = [];
  for (let node: ts.Expression = call.expression; ts.isCallExpression(node) || ts.isPropertyAccessExpression(node); node = node.expression) {
    if (!ts.isCallExpression(node) || !CHAIN_FILTERS.test(methodName(node) ?? '')) continue;
    const column = node.arguments[0];
    if (column && ts.isStringLiteralLike(column)) fields.push(column.text);
  }
  return fields;
}

function resultName(call: ts.CallExpression): string | undefined {
  let node: ts.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : undefined;
}

const mentions = (expr: ts.Node, name: string): boolean => [expr, ...findNodes(expr, ts.isIdentifier)].some((n) => ts.isIdentifier(n) && n.text === name);

/** `!user`, `user === null`, `user == undefined`: the branch is taken when nothing was found. */
function absent(expr: ts.Expression): boolean {
  if (ts.isPrefixUnaryExpression(expr) && expr.operator === ts.SyntaxKind.ExclamationToken) return !ts.isPrefixUnaryExpression(expr.operand);
  if (ts.isParenthesizedExpression(expr)) return absent(expr.expression);
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.BarBarToken) return absent(expr.left);
  return ts.isBinaryExpression(expr) && /^(?:===?)$/.test(expr.operatorToken.getText()) && /^(?:null|undefined)$/.test(expr.right.getText());
}

/** The branch ends the request: return, throw. */
function exits(statement: ts.Statement): boolean {
  return ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || (ts.isBlock(statement) && statement.statements.some((s) => ts.isReturnStatement(s) || ts.isThrowStatement(s)));
}

const insideTransaction = (node: ts.Node): boolean => !!node.parent && ((ts.isCallExpression(node.parent) && /transaction/i.test(expressionName(node.parent.expression))) || insideTransaction(node.parent));

/** `{ where: { email } }`, `{ email }` (Mongoose, TypeORM findOneBy): the fields the existence check is about. */
function filterFields(call: ts.CallExpression): string[] {
  const arg = call.arguments[0];
  if (!arg || !ts.isObjectLiteralExpression(arg)) return [];
  const where = propertyOf(arg, 'where');
  const filter = where && ts.isObjectLiteralExpression(where) ? where : where ? undefined : arg;
  return filter ? filter.properties.flatMap((p) => (p.name && (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) ? [p.name.getText()] : [])) : [];
}

/** Prisma `@unique`/`@@unique`, Mongoose `unique: true`, TypeORM `unique: true`, SQL `UNIQUE`: a constraint on the field. */
function declaredUnique(schema: string, field: string): boolean {
  const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return [field, snake].some((f) =>
    new RegExp(`^\\s*${f}\\s+\\S+[^\\n]*@(?:unique|id)\\b|@@(?:unique|id)\\(\\[\\s*${f}\\s*\\]|\\b${f}\\s*:\\s*\\{[^}]*\\bunique\\s*:\\s*true|unique\\s*:\\s*true[^)]*\\)\\s*\\n\\s*${f}\\b|^\\s*"?${f}"?\\s+\\w+[^,\\n]*\\b(?:unique|primary\\s+key)\\b|unique\\s*(?:index\\s+\\w+\\s+on\\s+\\w+\\s*)?\\(\\s*"?${f}"?\\s*\\)|\\(\\s*['"]${f}['"][^)]*\\)[^;\\n]*\\.(?:unique|primary)\\(|\\.unique\\(\\s*\\[?\\s*['"]${f}['"]\\s*\\]?\\s*\\)`, 'im').test(schema),
  );
}
