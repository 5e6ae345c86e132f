import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const NEEDLES = ['@Cron', '@Interval', 'schedule(', 'scheduleJob(', 'CronJob(', 'setInterval('];
/** Work that is wrong when done twice: rows inserted, counters moved, messages or charges sent. */
const EFFECT = /\binsert\s+into\b(?![^`'"]*\bon\s+(?:conflict|duplicate)\b)|\.(?:create|createMany|insert|insertOne|insertMany)\(|\b(?:increment|decrement)\b|\$inc\b|\.send[A-Z]\w*\(|\b(?:\w*mail\w*|mailer|transporter|sms|twilio|email)\.send\(|\.notify\w*\(|\.charge\w*\(|\.enqueue\w*\(/i;
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
  const local = new Map<string, ts.Node>();
  for (const fn of [...ctx.nodesOf<ts.FunctionDeclaration>(file, ts.SyntaxKind.FunctionDeclaration), ...ctx.nodesOf<ts.MethodDeclaration>(file, ts.SyntaxKind.MethodDeclaration)]) {
    if (fn.name && ts.isIdentifier(fn.name) && fn.body) local.set(fn.name.text, fn.body);
  }
  const hits: Hit[] = [];
  const judge = (at: ts.Node, job: ts.Node, what: string): void => {
    const text = reach(job, local, sf);
    if (EFFECT.test(text) && !LOCKED.test(text)) hits.push({ file, line: lineOf(at), message: `${what} runs on every replica at once and nothing stops two runs overlapping: its writes or messages happen once per replica.` });
  };
  for (const decorator of ctx.nodesOf<ts.Decorator>(file, ts.SyntaxKind.Decorator)) {
    const call = decorator.expression;
    const method = decorator.parent;
    if (ts.isCallExpression(call) && /^(?:Cron|Interval)$/.test(call.expression.getText()) && ts.isMethodDeclaration(method) && method.body) judge(decorator, method.body, `@${call.expression.getText()} ${method.name.getText()}()`);
  }
  for (const call of ctx.calls(file)) {
    const name = calleeName(call);
    const job = /^(?:setInterval|\w+\.scheduleJob|scheduleJob)$/.test(name) || (/^(?:cron|nodeCron|schedule)\.schedule$/.test(name) && call.arguments.length >= 2) ? call.arguments[name === 'setInterval' ? 0 : call.arguments.length - 1] : undefined;
    if (job) judge(call, job, `${name}(...)`);
  }
  for (const created of ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression)) {
    if (/^(?:cron\.)?CronJob$/.test(created.expression.getText()) && created.arguments?.[1]) judge(created, created.arguments[1], 'new CronJob(...)');
  }
  return hits;
}

/** The job's own code plus the same-file functions it calls (two levels), printed without comments. */
function reach(job: ts.Node, local: ReadonlyMap<string, ts.Node>, sf: ts.SourceFile): string {
  const seen = new Set<ts.Node>();
  const parts: string[] = [];
  const visit = (node: ts.Node, depth: number): void => {
    if (seen.has(node)) return;
    seen.add(node);
    parts.push(PRINTER.printNode(ts.EmitHint.Unspecified, node, sf));
    if (depth === 0) return;
    const names = ts.isIdentifier(node) ? [node.text] : [...PRINTER.printNode(ts.EmitHint.Unspecified, node, sf).matchAll(/(?:this\.)?\b(\w+)\s*\(/g)].map((m) => m[1]!);
    for (const name of names) {
      const target = local.get(name);
      if (target) visit(target, depth - 1);
    }
  };
  visit(job, 2);
  return parts.join('\n');
}
