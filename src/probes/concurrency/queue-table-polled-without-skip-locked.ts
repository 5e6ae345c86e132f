import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { enclosingFunction, findNodes, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** `WHERE sent = false`, `status = 'queued'`, `processed_at IS NULL`: rows waiting to be worked on. */
const PENDING = /\bwhere\b[\s\S]*?\b(\w+)\s*(?:=\s*(?:false|0|'(?:queued|pending|new|ready|scheduled|waiting)')|is\s+null)/i;
const SELECT = /^\s*select\b[\s\S]*?\bfrom\s+["`]?(\w+)/i;
const CLAIMED = /\bskip\s+locked\b|\bfor\s+update\b|advisory_(?:xact_)?lock|\bnowait\b/i;

export default defineProbe({
  meta: {
    id: 'queue-table-polled-without-skip-locked',
    title: 'Work table polled without claiming rows',
    category: 'Concurrency',
    severity: 'HIGH',
    phase: 3,
    agent: 'code-auditor',
    confidence: 'medium',
    description: 'A function selects pending rows (`WHERE sent = false`, `status = \'queued\'`, `processed_at IS NULL`), works on them and then marks them done, without `FOR UPDATE SKIP LOCKED` or a lock, so concurrent workers pick the same rows.',
    impact: 'Two workers (or two replicas of one) read the same pending rows: every email, digest or charge in the overlap is sent twice, and the later "mark done" hides that it happened.',
    remediation: 'Claim rows in one statement: `SELECT … FOR UPDATE SKIP LOCKED LIMIT n` inside a transaction, or `UPDATE … SET status = \'processing\' WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …`; or hand the work to a queue.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts([/select/i]).length > 0,
  detect: (ctx) => ctx.scripts([/select\b[\s\S]*where/i]).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  return ctx.nodesOf<ts.StringLiteral>(file, ts.SyntaxKind.StringLiteral).concat(ctx.nodesOf(file, ts.SyntaxKind.NoSubstitutionTemplateLiteral)).flatMap((literal): Hit[] => {
    const table = SELECT.exec(literal.text)?.[1];
    const flag = table && PENDING.exec(literal.text)?.[1];
    const fn = flag ? enclosingFunction(literal) : undefined;
    if (!flag || !fn?.body || CLAIMED.test(literal.text) || CLAIMED.test(fn.body.getText())) return [];
    // The same function marks the rows done: the select is a claim on work, not a read for display.
    const marks = findNodes(fn.body, ts.isStringLiteralLike).some((s) => s.getStart() > literal.getEnd() && new RegExp(`^\\s*update\\s+["\`]?${table}\\b[\\s\\S]*\\bset\\b[\\s\\S]*\\b${flag}\\s*=`, 'i').test(s.text));
    return marks ? [{ file, line: lineOf(literal), message: `Pending ${table} rows (${flag}) are read and later marked done without FOR UPDATE SKIP LOCKED: concurrent workers process the same rows.` }] : [];
  });
}
