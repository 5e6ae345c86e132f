import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, ts } from './ast.js';

/** Literals without which a file schedules nothing in-process. */
export const SCHEDULER_NEEDLES = ['@Cron', '@Interval', 'schedule(', 'scheduleJob(', 'CronJob(', 'setInterval('];

/** One in-process scheduled job: where it is registered, what it runs, and how to name it. */
export interface ScheduledJob {
  readonly at: ts.Node;
  readonly job: ts.Node;
  readonly what: string;
}

/** `@Cron`/`@Interval` methods, node-cron `cron.schedule`, node-schedule `scheduleJob`, `new CronJob`, `setInterval`. */
export function scheduledJobs(ctx: ProbeContext, file: SourceFile): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  for (const decorator of ctx.nodesOf<ts.Decorator>(file, ts.SyntaxKind.Decorator)) {
    const call = decorator.expression;
    const method = decorator.parent;
    if (ts.isCallExpression(call) && /^(?:Cron|Interval)$/.test(call.expression.getText()) && ts.isMethodDeclaration(method) && method.body) {
      jobs.push({ at: decorator, job: method.body, what: `@${call.expression.getText()} ${method.name.getText()}()` });
    }
  }
  for (const call of ctx.calls(file)) {
    const name = calleeName(call);
    const job = /^(?:setInterval|\w+\.scheduleJob|scheduleJob)$/.test(name) || (/^(?:cron|nodeCron|schedule)\.schedule$/.test(name) && call.arguments.length >= 2) ? call.arguments[name === 'setInterval' ? 0 : call.arguments.length - 1] : undefined;
    if (job) jobs.push({ at: call, job, what: `${name}(...)` });
  }
  for (const created of ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression)) {
    if (/^(?:cron\.)?CronJob$/.test(created.expression.getText()) && created.arguments?.[1]) jobs.push({ at: created, job: created.arguments[1], what: 'new CronJob(...)' });
  }
  return jobs;
}

/** The job's own code plus the same-file functions and methods it calls, two levels deep. */
export function jobCode(ctx: ProbeContext, file: SourceFile, job: ts.Node): ts.Node[] {
  const local = new Map<string, ts.Node>();
  for (const fn of [...ctx.nodesOf<ts.FunctionDeclaration>(file, ts.SyntaxKind.FunctionDeclaration), ...ctx.nodesOf<ts.MethodDeclaration>(file, ts.SyntaxKind.MethodDeclaration)]) {
    if (fn.name && ts.isIdentifier(fn.name) && fn.body) local.set(fn.name.text, fn.body);
  }
  const seen: ts.Node[] = [];
  const visit = (node: ts.Node, depth: number): void => {
    if (seen.includes(node)) return;
    seen.push(node);
    if (depth === 0) return;
    const names = ts.isIdentifier(node) ? [node.text] : [...node.getText().matchAll(/(?:this\.)?\b(\w+)\s*\(/g)].map((m) => m[1]!);
    for (const name of names) {
      const target = local.get(name);
      if (target) visit(target, depth - 1);
    }
  };
  visit(job, 2);
  return seen;
}
