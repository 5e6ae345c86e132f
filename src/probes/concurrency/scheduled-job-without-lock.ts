import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, ts } from '../support/ast.js';
import { jobCode, scheduledJobs, SCHEDULER_NEEDLES } from '../support/schedulers.js';
import { defineProbe, type Hit } from '../types.js';

const NEEDLES = SCHEDULER_NEEDLES;
/**
 * Work that is wrong when done twice: rows inserted, counters moved, messages or charges sent. A bare
 * `sendEmail(...)` / `sendReminders()` is a helper (often imported) named for the message it sends.
 */
const EFFECT = /\binsert\s+into\b(?![^`'"]*\bon\s+(?:conflict|duplicate)\b)|\.(?:create|createMany|insert|insertOne|insertMany)\(|\b(?:increment|decrement)\b|\$inc\b|(?<![\w$])\.?send[A-Z]\w*\(|\b(?:\w*mail\w*|mailer|transporter|sms|twilio|email)\.send\(|\.notify\w*\(|\.charge\w*\(|\.enqueue\w*\(/i;
/** One runner at a time: a database or Redis lock, leader election, or a queue that de-duplicates. */
const LOCKED = /advisory_(?:xact_)?lock|redlock|\block\w*\(|\w+Lock\(|acquire\w*\(|leader|SKIP\s+LOCKED|setnx|['"]NX['"]|\bNX\b|repeat\s*:\s*\{|jobId\s*:/i;
const PRINTER = ts.createPrinter({ removeComments: true });

export default defineProbe({
  meta: {
    id: 'scheduled-job-without-lock',
    title: 'Scheduled job runs on every replica',
    category: 'Concurrency',
    severity: 'HIGH',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'An in-process scheduler (`@Cron`, `@Interval`, node-cron, node-schedule, `setInterval`) runs a job that inserts rows, moves counters or sends messages, with no distributed lock or leader election.',
    impact: 'Every replica of the service runs the job at the same moment: reminders and digests go out twice, rollups insert duplicate rows, stock is restored twice; the bug appears the day the deployment scales past one pod.',
    remediation: 'Take a lock for the run (`pg_try_advisory_lock`, Redlock, a lock row with an expiry) and skip when it is held, run the schedule from one place (a Kubernetes CronJob with `concurrencyPolicy: Forbid`, a repeatable queue job), or make the job idempotent.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(NEEDLES).length > 0,
  detect: (ctx) => ctx.scripts(NEEDLES).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const sf = ctx.ast(file);
  return scheduledJobs(ctx, file).flatMap(({ at, job, what }): Hit[] => {
    const text = jobCode(ctx, file, job).map((node) => PRINTER.printNode(ts.EmitHint.Unspecified, node, sf)).join('\n');
    if (!EFFECT.test(text) || LOCKED.test(text)) return [];
    return [{ file, line: lineOf(at), message: `${what} runs on every replica at once and nothing stops two runs overlapping: its writes or messages happen once per replica.` }];
  });
}
