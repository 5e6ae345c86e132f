import { lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Field names that count whole things: a fraction or a negative of them is not a value the domain has. */
const COUNT_WORDS = new Set(['quantity', 'qty', 'count', 'seats', 'seat', 'guests', 'guest', 'players', 'nights', 'hours', 'days', 'tickets', 'units', 'items', 'pieces', 'copies', 'attendees', 'participants', 'people', 'persons', 'adults', 'children', 'rooms', 'slots', 'licenses', 'credits']);
/** A constraint in the chain that rules out fractions or negatives (or pins the value). */
const BOUNDED = /^(?:integer|int|safe|min|greater|positive|nonnegative|gt|gte|port|valid|allow|max|less|lt|lte|negative|nonpositive|multipleOf|multiple|precision|finite|step)$/;

export default defineProbe({
  meta: {
    id: 'count-validated-as-any-number',
    title: 'Count accepted as any number',
    category: 'Data Integrity',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    cwe: 'CWE-1284',
    confidence: 'medium',
    description: 'A request schema (Joi, zod, yup) validates a count-like field (quantity, seats, nights, hours, tickets) as `number()` with neither `.integer()`/`.int()` nor any bound, so fractions, zero and negatives pass.',
    impact: 'A quantity of -3 or 0.01 passes validation and reaches prices, stock and bookings: negative totals, refunds paid out by an order, stock that grows when sold, bookings of no length.',
    remediation: 'Constrain the field: `Joi.number().integer().min(1).max(…)`, `z.number().int().positive().max(…)`, `yup.number().integer().min(1)`.',
    effort: 'hours',
  },
  scope: 'file',
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts([/\bnumber\(\)/])) {
      if (!/\b(?:joi|zod|yup)\b/i.test(file.text)) continue;
      for (const prop of ctx.nodesOf<ts.PropertyAssignment>(file, ts.SyntaxKind.PropertyAssignment)) {
        const name = ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) ? prop.name.text : undefined;
        if (!name || !isCount(name)) continue;
        const chain = schemaChain(prop.initializer);
        if (chain && chain[0] === 'number' && !chain.some((m) => BOUNDED.test(m))) {
          hits.push({ file, line: lineOf(prop), message: `${name} is validated as any number: fractions and negatives pass.` });
        }
      }
    }
    return hits;
  },
});

/** `Joi.number().required()` → [number, required]; `z.number().optional()` → [number, optional]; other expressions → undefined. */
function schemaChain(expr: ts.Expression): string[] | undefined {
  const methods: string[] = [];
  let node: ts.Expression = expr;
  while (ts.isCallExpression(node)) {
    const callee = node.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      methods.unshift(callee.name.text);
      node = callee.expression;
    } else if (ts.isIdentifier(callee)) {
      // yup's `number()` imported bare.
      methods.unshift(callee.text);
      return methods;
    } else return undefined;
  }
  // The chain starts at the library: `Joi.number()`, `z.number()`, `yup.number()`.
  return ts.isIdentifier(node) && /^(?:joi|z|zod|yup)$/i.test(node.text) ? methods : undefined;
}

/** `hours`, `ticketCount`, `num_guests` → true; `amount`, `price`, `rating` → false. */
function isCount(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_]+/).map((w) => w.toLowerCase());
  return words.some((w) => COUNT_WORDS.has(w));
}
