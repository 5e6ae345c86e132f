import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { findNodes, lineOf, methodName, propertyOf, ts } from '../support/ast.js';
import { jobCode, scheduledJobs, SCHEDULER_NEEDLES } from '../support/schedulers.js';
import { defineProbe, type Hit } from '../types.js';

const LIST_METHODS = new Set(['findMany', 'find', 'findAll', 'findBy']);
const BOUND_KEYS = /^(?:take|limit|first|last|cursor|batchSize)$/;
const CHAIN_BOUNDS = new Set(['limit', 'take', 'cursor', 'stream', 'batchSize', 'eachAsync']);

export default defineProbe({
  meta: {
    id: 'scheduled-job-loads-every-row',
    title: 'Scheduled job loads every matching row at once',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'medium',
    description: 'A cron or interval job loads all rows matching a condition (`find`/`findMany`/`findAll` with no take or limit, often with relations) into memory in one query.',
    impact: 'The job\'s memory and run time grow with the backlog: after an outage or as the business grows it takes the process down (and with it the API, when both share a process) or overruns into the next run.',
    remediation: 'Process the backlog in pages (`take` + cursor on the primary key) or stream it (`cursor()`, `stream()`), and bound the work per run.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(SCHEDULER_NEEDLES).length > 0,
  detect: (ctx) => ctx.scripts(SCHEDULER_NEEDLES).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const hits = new Map<number, Hit>();
  for (const { job, what } of scheduledJobs(ctx, file)) {
    for (const call of jobCode(ctx, file, job).flatMap((node) => findNodes(node, ts.isCallExpression))) {
      if (!unbounded(call)) continue;
      hits.set(call.getStart(), { file, line: lineOf(call), message: `${what} loads every row ${call.expression.getText()} matches in one query, with no limit or cursor.` });
    }
  }
  return [...hits.values()];
}

/** `repo.find({ where })`, `prisma.x.findMany({ where, include })` with no bound; arrays' `.find(fn)` take a function, not options. */
function unbounded(call: ts.CallExpression): boolean {
  if (!LIST_METHODS.has(methodName(call) ?? '') || !ts.isPropertyAccessExpression(call.expression)) return false;
  const [options] = call.arguments;
  if (!options || !ts.isObjectLiteralExpression(options) || options.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && BOUND_KEYS.test(p.name.getText())))) return false;
  if (!propertyOf(options, 'where') && !propertyOf(options, 'include') && !propertyOf(options, 'relations')) return false;
  let node: ts.Node = call;
  while (ts.isPropertyAccessExpression(node.parent) && ts.isCallExpression(node.parent.parent)) {
    if (CHAIN_BOUNDS.has(node.parent.name.text)) return false;
    node = node.parent.parent;
  }
  return true;
}
