import type { ProbeContext } from '../context.js';
import type { SourceFile } from '../../repo/view.js';
import { enclosingFunction, findNodes, lineOf, methodName, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const READS = new Set(['findOne', 'findFirst', 'findFirstOrThrow', 'findOneOrFail']);
const MAX_SQL = /^\s*select\s+(?:coalesce\s*\(\s*)?max\s*\(\s*"?(\w+)"?\s*\)/i;
/** A lock or a serializable transaction makes the read and the insert one step. */
const SERIALISED = /\bFOR\s+UPDATE\b|advisory_(?:xact_)?lock|serializable|lock\s*:\s*\{|pessimistic_write|redlock|withLock|acquireLock/i;

export default defineProbe({
  meta: {
    id: 'next-number-from-last-row',
    title: 'Next number taken from the last row',
    category: 'Concurrency',
    severity: 'HIGH',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-362',
    confidence: 'medium',
    description: 'The next invoice, order or ticket number is computed by reading the highest existing one (`findOne` ordered DESC, `SELECT MAX(...)`) and adding one, with no lock.',
    impact: 'Two concurrent creations read the same last number and both use the next one: duplicate invoice numbers (a legal problem in many countries), or a unique-constraint error that fails one of the requests.',
    remediation: 'Use a database sequence or identity column, or a per-tenant counter row incremented atomically (`UPDATE counters SET value = value + 1 … RETURNING value`) inside the creating transaction.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts([/DESC|desc|max\(/i]).length > 0,
  detect: (ctx) => ctx.scripts([/['"](?:DESC|desc)['"]|max\s*\(/i]).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  return ctx.calls(file).flatMap((call): Hit[] => {
    const field = orderedField(call) ?? MAX_SQL.exec(stringValue(call.arguments[0]) ?? '')?.[1];
    const fn = field ? enclosingFunction(call) : undefined;
    if (!field || !fn?.body || SERIALISED.test(fn.body.getText())) return [];
    // `(last?.number ?? 1000) + 1`, `rows[0].max + 1`: the value read, plus one.
    const plusOne = findNodes(fn.body, ts.isBinaryExpression).some((b) => b.getStart() > call.getEnd() && b.operatorToken.kind === ts.SyntaxKind.PlusToken && /^1$/.test(b.right.getText()) && new RegExp(`\\b(?:${field}|max)\\b`, 'i').test(b.left.getText()));
    return plusOne ? [{ file, line: lineOf(call), message: `The next ${field} is the highest existing one plus one, read without a lock: concurrent creations get the same ${field}.` }] : [];
  });
}

/** `findOne({ order: { number: 'DESC' } })` / `findFirst({ orderBy: { number: 'desc' } })` → "number". */
function orderedField(call: ts.CallExpression): string | undefined {
  const arg = call.arguments[0];
  if (!READS.has(methodName(call) ?? '') || !arg || !ts.isObjectLiteralExpression(arg)) return undefined;
  const order = propertyOf(arg, 'order') ?? propertyOf(arg, 'orderBy') ?? propertyOf(arg, 'sort');
  if (!order || !ts.isObjectLiteralExpression(order)) return undefined;
  const desc = order.properties.find((p) => ts.isPropertyAssignment(p) && /^(?:desc|-1)$/i.test(stringValue(p.initializer) ?? p.initializer.getText()));
  return desc?.name?.getText();
}
