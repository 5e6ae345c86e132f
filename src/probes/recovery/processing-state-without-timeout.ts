import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, lineOf, methodName, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** The in-flight states a worker sets while it holds a row. */
const IN_FLIGHT = /^(?:processing|in[_-]progress|running|claimed|working)$/i;
const SQL_CLAIM = /\bupdate\s+([\w."`]+)\s+set\s+([^;]*?)\bstatus\s*=\s*'(processing|in[_-]progress|running|claimed|working)'([^;]*)/i;
/** A lease on the claim itself: the row frees itself when the deadline passes. */
const LEASE = /\b\w*(?:locked_?until|lease\w*|expires?_?at|visible_?(?:at|after)|heartbeat\w*|deadline|timeout)\b/i;
/** An age test in a query: what a reaper uses to find rows left behind by a dead worker. */
const AGE_TEST = /<\s*(?:now\(\)|current_timestamp|\$\d)|\binterval\b|\$lt\b|\blt\s*:|LessThan\(|Date\.now\(\)\s*-|subMinutes|subHours/i;
const UPDATE_METHODS = /^(?:update|updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate|save)$/;

export default defineProbe({
  meta: {
    id: 'processing-state-without-timeout',
    title: 'Work marked in progress with no timeout or reaper',
    category: 'Recovery',
    severity: 'HIGH',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: "A row is set to an in-flight status ('processing', 'in_progress', 'running') with no lease deadline on the claim and no query anywhere that finds such rows by age to retry or fail them.",
    impact: 'A worker that crashes, is killed by a deploy or times out between the claim and the final write leaves the row in that state for ever: the work is never retried, and the record blocks whatever waits for it.',
    remediation: "Record when the row was claimed (and by whom) and run a reaper that returns rows stuck past a deadline to a retryable state, or claim with a lease (`locked_until = now() + interval '5 minutes'`) that other workers may take over.",
    effort: 'hours',
  },
  applies: (ctx) => claims(ctx).length > 0,
  detect(ctx) {
    const found = claims(ctx);
    if (found.length === 0) return [];
    // Reapers: a query that names an in-flight state and tests age (`AND started_at < now() - interval '15 minutes'`).
    const reapers = [
      ...ctx.scripts([AGE_TEST]).filter((file) => IN_FLIGHT_IN.test(file.text)).flatMap((file) => ctx.calls(file).map((call) => `${calleeName(call)}(${call.arguments.map((a) => a.getText()).join(',')})`)),
      ...ctx.files(['sql', 'yaml', 'shell'], [AGE_TEST]).flatMap((file) => file.text.split(/;\s*\n/)),
    ].filter((text) => IN_FLIGHT_IN.test(text) && AGE_TEST.test(text));
    return found.filter((c) => !reapers.some((text) => text.toLowerCase().includes(`'${c.state}'`) && new RegExp(`\\b${c.table}`, 'i').test(text))).map(({ hit }) => hit);
  },
});

const IN_FLIGHT_IN = /'(processing|in[_-]progress|running|claimed|working)'/i;

interface Claim {
  readonly hit: Hit;
  readonly state: string;
  /** The table or model claimed, as the reaper would name it. */
  readonly table: string;
}

/** Claims in SQL strings and in ORM update calls (`data: { status: 'processing' }`, `$set: { status: … }`). */
function claims(ctx: ProbeContext): Claim[] {
  return ctx.scripts([IN_FLIGHT_IN]).flatMap((file) =>
    ctx.calls(file).flatMap((call): Claim[] => {
      for (const arg of call.arguments) {
        const sql = stringValue(arg) ?? (ts.isTemplateExpression(arg) ? arg.getText() : undefined);
        const match = sql && SQL_CLAIM.exec(sql);
        if (match) return LEASE.test(`${match[2]} ${match[4]}`) ? [] : [claim(file, arg, match[3]!, match[1]!.replace(/["`]/g, '').split('.').at(-1)!)];
      }
      if (!UPDATE_METHODS.test(methodName(call) ?? '')) return [];
      for (const obj of call.arguments.flatMap((a) => objectsIn(a))) {
        const state = stringValue(propertyOf(obj, 'status'));
        if (state && IN_FLIGHT.test(state) && !obj.properties.some((p) => p.name && LEASE.test(p.name.getText()))) return [claim(file, propertyOf(obj, 'status')!.parent, state, model(call))];
      }
      return [];
    }),
  );
}

/** `prisma.payout.update` → payout, `Job.updateOne` → Job, `this.repo.save` → repo. */
function model(call: ts.CallExpression): string {
  return calleeName(call).split('.').slice(-2, -1)[0]?.replace(/\W/g, '') ?? '';
}

function claim(file: SourceFile, node: ts.Node, state: string, table: string): Claim {
  return { state: state.toLowerCase(), table, hit: { file, line: lineOf(node), message: `Sets status '${state}' with no lease and no reaper: a worker that dies before the final write leaves the row stuck in '${state}'.` } };
}

/** Object literals in an update's arguments, one level into `data:` / `$set:`. */
function objectsIn(arg: ts.Expression): ts.ObjectLiteralExpression[] {
  if (!ts.isObjectLiteralExpression(arg)) return [];
  return [arg, ...['data', '$set', 'set'].map((k) => propertyOf(arg, k)).filter((v): v is ts.ObjectLiteralExpression => !!v && ts.isObjectLiteralExpression(v))];
}
