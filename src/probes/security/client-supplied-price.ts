import { enclosingFunction, findNodes, lineOf, ts } from '../support/ast.js';
import { requestFlow } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

/** Names of what the merchant sets: a price, a cost, a fee, a total. */
const PRICE = /^(?:unit_?)?(?:price|cost|fee|total|subtotal)(?:_?(?:cents|amount|usd|eur))?$|^(?:unit|item|line)_?(?:price|amount)\w*$/i;
/** Schema parsers and numeric conversions keep the client’s value. */
const PASS = /\.(?:parse|parseAsync|safeParse|validate|validateSync|cast)$|^(?:Number|parseFloat|parseInt|Math\.\w+|BigInt)$/;
/** A price the server already holds on a record (`appt.priceCents`, `order.total`); a payment's `amount` is what was paid, not a price. */
const STORED_PRICE = /^(?:unit_?)?(?:price|cost|fee|total)(?:_?(?:in_?)?cents)?$/i;
/** Properties that set what gets charged. */
const CHARGE_KEY = /^(?:amount|unit_amount|unitAmount|price|total|amountCents|totalCents|unit_price|unitPrice)$/;

export default defineProbe({
  meta: {
    id: 'client-supplied-price',
    title: 'Price taken from the client',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-602',
    confidence: 'medium',
    description: 'A handler computes or charges an amount from a price, cost or total sent in the request instead of the one stored on the server.',
    impact: 'A buyer edits the request and pays one cent for anything: orders, subscriptions and payouts are computed from a number the attacker chose.',
    remediation: 'Send only ids and quantities from the client; load the price from the database (or the payment provider’s price id) and compute the total on the server.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx.scripts([/price|Price|cost|total|fee/]).filter((file) => !ctx.isFrontEnd(file)).flatMap((file): Hit[] => {
      const seen = new Set<ts.Node>();
      const hits: Hit[] = [];
      const check = (value: ts.Expression, at: ts.Node): void => {
        const ids = ts.isIdentifier(value) ? [value] : [];
        if (ts.isBinaryExpression(value)) ids.push(...[value.left, value.right].filter(ts.isIdentifier));
        const priced = ids.find((id) => PRICE.test(id.text));
        const flow = priced && requestFlow(priced, PASS, (field) => /^(?:body|json|formdata|parse)$/.test(field) || !/^(?:query|params|headers|cookies|url|nexturl)$/.test(field));
        if (!priced || !flow || seen.has(flow.fn) || !flow.carries(priced)) return;
        seen.add(flow.fn);
        hits.push({ file, line: lineOf(at), message: `${priced.text} comes from the request and decides what is charged.` });
      };
      for (const node of ctx.nodesOf<ts.BinaryExpression>(file, ts.SyntaxKind.BinaryExpression)) {
        if (node.operatorToken.kind === ts.SyntaxKind.AsteriskToken) check(node, node);
      }
      for (const prop of ctx.nodesOf<ts.PropertyAssignment>(file, ts.SyntaxKind.PropertyAssignment)) {
        if (CHARGE_KEY.test(prop.name.getText())) check(prop.initializer, prop);
      }
      // `Number(req.body.amount) || appt.priceCents`: the server has the price, yet the client's number wins when sent.
      for (const node of ctx.nodesOf<ts.BinaryExpression>(file, ts.SyntaxKind.BinaryExpression)) {
        // A partial refund's amount is the operator's choice by design, bounded by what was paid.
        if (!overridesStoredPrice(node) || /refund/i.test(enclosingFunction(node)?.getText() ?? '')) continue;
        const flow = requestFlow(node.left, PASS, (field) => !/^(?:query|params|headers|cookies|url|nexturl)$/.test(field));
        // Both sides from the request (`req.body.total || req.body.subtotal`) is the client's price already caught above, not a stored one.
        if (!flow || seen.has(flow.fn) || !flow.carries(node.left) || flow.carries(node.right)) continue;
        seen.add(flow.fn);
        hits.push({ file, line: lineOf(node), message: `The request's amount replaces the stored ${node.right.name.text}.` });
      }
      return hits;
    });
  },
});

/** `<expression> || record.price` / `?? record.price`, the stored price being only the fallback. */
function overridesStoredPrice(node: ts.BinaryExpression): node is ts.BinaryExpression & { right: ts.PropertyAccessExpression } {
  const op = node.operatorToken.kind;
  if (op !== ts.SyntaxKind.BarBarToken && op !== ts.SyntaxKind.QuestionQuestionToken) return false;
  return ts.isPropertyAccessExpression(node.right) && STORED_PRICE.test(node.right.name.text) && namesAnAmount(node.left);
}

/** The client's side is itself an amount (`req.body.amountCents`, `body.price`), not any field that happens to precede a price. */
function namesAnAmount(node: ts.Expression): boolean {
  const names = findNodes(node, ts.isIdentifier).concat(ts.isIdentifier(node) ? [node] : []);
  return names.some((id) => /price|cost|fee|total|amount/i.test(id.text));
}
