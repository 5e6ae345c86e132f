import { lineOf, stringValue, ts } from '../support/ast.js';
import { queryChainTarget } from '../support/models.js';
import { defineProbe, type Hit } from '../types.js';

const ORM_WRITES = /^(?:create|createMany|update|updateMany|upsert|delete|deleteMany|insert|save)$/;
/** Objection and Knex chain writes: `Order.query().patch(...).where(...)`, `knex('orders').insert(...)`. */
const CHAIN_WRITES = /^(?:insert|patch|update|delete|del|deleteById|patchAndFetchById|updateAndFetchById|insertGraph|upsertGraph|insertAndFetch|increment|decrement|relate|unrelate)$/;
/** Static model writes of Sequelize and Mongoose: `Payment.create(...)`, `Order.update(...)`, `Stock.bulkCreate(...)`. */
const MODEL_WRITES = /^(?:create|bulkCreate|update|upsert|destroy|insertMany|updateOne|updateMany|deleteOne|deleteMany|findByIdAndUpdate|findOneAndUpdate)$/;
/** Capitalised built-ins and SDK namespaces that have a `create` or `update` and are not models. */
const NOT_MODEL = /^(?:Object|Array|Promise|Reflect|Date|JSON|Math|Buffer|Intl|Symbol|Map|Set|URL|Stripe|React)$/;
const SQL_WRITE = /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)/i;
/** Tables whose rows must agree with each other: money and stock. */
const RECORD = /order|payment|invoice|ledger|transaction|charge|refund|payout|balance|credit|stock|inventory/i;

export default defineProbe({
  meta: {
    id: 'related-writes-without-transaction',
    title: 'Related financial writes outside a transaction',
    category: 'Data Integrity',
    severity: 'HIGH',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'Consecutive awaited writes to two or more different tables, at least one holding orders, payments, invoices, ledger entries or stock, run one after the other in the same block with no transaction around them.',
    impact: 'A crash, timeout or error between the writes leaves an order without its items or stock change, or an invoice marked paid with no ledger entry: books that no longer add up and need hand repair.',
    remediation: 'Run the writes in one transaction (`prisma.$transaction`, `dataSource.transaction`, Drizzle `db.transaction(async (tx) => ...)`, `sequelize.transaction(async (t) => ...)` with `{ transaction: t }`, a Mongoose session, `BEGIN … COMMIT` on one pooled client), or use a nested create so the database applies them atomically.',
    effort: 'hours',
  },
  scope: 'file',
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts([/\.(?:create|update|insert|save|patch|upsertGraph|insertGraph)\(|INSERT\s+INTO|UPDATE\s/, /\.(?:bulkCreate|destroy|updateOne|updateMany|insertMany|deleteOne|deleteMany|findByIdAndUpdate|findOneAndUpdate)\(/])) {
      for (const block of ctx.nodesOf<ts.Block>(file, ts.SyntaxKind.Block)) {
        // `prisma.$transaction(...)`, `dataSource.transaction(...)`, Objection `Order.transaction(...)` / `transaction(knex, ...)`.
        if (/\$transaction|(?:^|\.)transaction$|\.transaction\(|withTransaction|BEGIN/.test(enclosingText(block))) continue;
        let run: { node: ts.Node; table: string }[] = [];
        const flush = (): void => {
          const tables = new Set(run.map((w) => w.table.toLowerCase()));
          if (tables.size >= 2 && [...tables].some((t) => RECORD.test(t))) {
            hits.push({ file, line: lineOf(run[0]!.node), endLine: lineOf(run.at(-1)!.node), message: `${[...tables].join(', ')} are written one after the other without a transaction: a failure in between leaves them disagreeing.` });
          }
          run = [];
        };
        for (const statement of block.statements) {
          const write = writeOf(statement);
          if (write) run.push({ node: statement, table: write });
          else if (!isPlainComputation(statement)) flush();
        }
        flush();
      }
    }
    return hits;
  },
});

/** The table an awaited write statement changes: `await prisma.order.create(...)`, `await pool.query('INSERT INTO x ...')`. */
function writeOf(statement: ts.Statement): string | undefined {
  let expr: ts.Expression | undefined;
  if (ts.isExpressionStatement(statement)) expr = statement.expression;
  else if (ts.isVariableStatement(statement)) expr = statement.declarationList.declarations[0]?.initializer;
  if (!expr || !ts.isAwaitExpression(expr) || !ts.isCallExpression(expr.expression)) return undefined;
  const call = expr.expression;
  if (!ts.isPropertyAccessExpression(call.expression)) return undefined;
  const chained = chainWrite(call) ?? drizzleWrite(call);
  if (chained) return chained;
  const method = call.expression.name.text;
  if (method === 'query') return SQL_WRITE.exec(stringValue(call.arguments[0]) ?? '')?.[1];
  const receiver = call.expression.expression;
  // `prisma.order.create` names the model; `tx.order` inside a transaction never reaches here.
  if (ORM_WRITES.test(method) && ts.isPropertyAccessExpression(receiver) && /^(?:prisma|db|client)$/.test(receiver.expression.getText())) return receiver.name.text;
  // `Payment.create(...)` on a model class; `{ transaction: t }` / `{ session }` in its options runs it inside one.
  if (MODEL_WRITES.test(method) && ts.isIdentifier(receiver) && /^[A-Z][a-z]\w*$/.test(receiver.text) && !NOT_MODEL.test(receiver.text) && !call.arguments.some(passesTransaction)) return receiver.text;
  return undefined;
}

/** The model or table an Objection/Knex chain writes to, unless the chain runs on a transaction (`query(trx)`, `.transacting(trx)`). */
function chainWrite(call: ts.CallExpression): string | undefined {
  const target = queryChainTarget(call);
  if (!target) return undefined;
  let writes = false;
  for (let node: ts.Expression = call; ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression); node = node.expression.expression) {
    const method = node.expression.name.text;
    if (method === 'transacting' || (/^(?:query|\$query|relatedQuery)$/.test(method) && node.arguments.length > 0 && !ts.isStringLiteralLike(node.arguments[0]!))) return undefined;
    if (CHAIN_WRITES.test(method)) writes = true;
  }
  return writes ? target : undefined;
}

/** Drizzle builders and the call that must follow each: `insert(t).values(...)`, `update(t).set(...)`, `delete(t).where(...)`. */
const DRIZZLE_WRITES: Readonly<Record<string, string>> = { insert: 'values', update: 'set', delete: 'where' };

/**
 * The table a Drizzle write changes: `db.insert(orders).values(...).returning()` → orders. The table is an
 * imported table object, not a string or an options object (knex, Sequelize, Prisma); writes through the
 * `tx` of `db.transaction(async (tx) => ...)` sit in a block the caller already skips.
 */
function drizzleWrite(call: ts.CallExpression): string | undefined {
  let next: string | undefined;
  for (let node: ts.Expression = call; ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression); node = node.expression.expression) {
    const method = node.expression.name.text;
    const table = node.arguments[0];
    if (DRIZZLE_WRITES[method] && DRIZZLE_WRITES[method] === next && node.arguments.length === 1 && table && (ts.isIdentifier(table) || ts.isPropertyAccessExpression(table))) {
      return table.getText().split('.').at(-1);
    }
    next = method;
  }
  return undefined;
}

/** An options argument naming a transaction or session: `{ transaction: t }`, `{ transaction }`, `{ session }`. */
function passesTransaction(arg: ts.Expression): boolean {
  return ts.isObjectLiteralExpression(arg) && arg.properties.some((p) => p.name !== undefined && /^(?:transaction|session)$/.test(p.name.getText()));
}

/** Statements between writes that do not talk to anything: computing a value keeps the run going. */
function isPlainComputation(statement: ts.Statement): boolean {
  return ts.isVariableStatement(statement) && !statement.getText().includes('await');
}

function enclosingText(block: ts.Node): string {
  let node: ts.Node | undefined = block.parent;
  for (let depth = 0; node && depth < 6; depth++, node = node.parent) if (ts.isCallExpression(node)) return node.expression.getText();
  return '';
}
