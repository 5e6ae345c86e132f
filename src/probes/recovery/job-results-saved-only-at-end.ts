import { calleeName, findNodes, isFunctionLike, lineOf, methodName, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Queue processors: BullMQ `new Worker(name, fn)`, Bull `queue.process(fn)`, Agenda `agenda.define(name, fn)`. */
const PROCESS_CALL = /^(?:process|define)$/;
/** Calls that persist something: a checkpoint inside the loop, or the single write after it. */
const WRITES = /^(?:query|execute|insert\w*|create\w*|save|update\w*|upsert\w*|set|hset|put\w*|write\w*|updateProgress|updateData|bulkWrite)$/;

export default defineProbe({
  meta: {
    id: 'job-results-saved-only-at-end',
    title: 'Queue job saves its work only when every step is done',
    category: 'Recovery',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A queue job loops over items awaiting a call for each, keeps the results in memory, and persists them in one write after the loop, with no checkpoint inside it.',
    impact: 'A crash, deploy, timeout or failed item late in the loop throws every finished step away: the retry starts from the first item and pays again for each external or AI call already made, and a job that always fails near the end never completes.',
    remediation: 'Persist each item’s result as it completes (or checkpoint progress with `job.updateData` / a progress table), and on retry skip the items already done.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.hasDependency('bullmq', 'bull', 'bee-queue', 'agenda', '@nestjs/bull', '@nestjs/bullmq'),
  detect(ctx) {
    return ctx.scripts(['Worker', '.process(', '.define(']).flatMap((file) => {
      const processors = [
        ...ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression).filter((n) => /(?:^|\.)Worker$/.test(n.expression.getText())).flatMap((n) => n.arguments ?? []),
        ...ctx.calls(file).filter((c) => PROCESS_CALL.test(methodName(c) ?? '') && /queue|agenda/i.test(calleeName(c))).flatMap((c) => c.arguments),
      ].filter((arg): arg is ts.ArrowFunction | ts.FunctionExpression => isFunctionLike(arg));
      return processors.flatMap((fn): Hit[] => {
        const body = fn.body && ts.isBlock(fn.body) ? fn.body : undefined;
        if (!body) return [];
        return body.statements.flatMap((loop, index): Hit[] => {
          if (!ts.isForOfStatement(loop) && !ts.isForStatement(loop) && !ts.isWhileStatement(loop)) return [];
          const accumulated = findNodes(loop.statement, ts.isCallExpression).filter((c) => methodName(c) === 'push' && ts.isPropertyAccessExpression(c.expression)).map((c) => (c.expression as ts.PropertyAccessExpression).expression.getText());
          const awaits = findNodes(loop.statement, ts.isAwaitExpression).length;
          if (accumulated.length === 0 || awaits === 0 || findNodes(loop.statement, ts.isCallExpression).some((c) => WRITES.test(methodName(c) ?? ''))) return [];
          const save = body.statements.slice(index + 1).flatMap((s) => findNodes(s, ts.isCallExpression).concat(ts.isExpressionStatement(s) && ts.isAwaitExpression(s.expression) && ts.isCallExpression(s.expression.expression) ? [s.expression.expression] : []))
            .find((c) => WRITES.test(methodName(c) ?? '') && c.arguments.some((a) => findNodes(a, ts.isIdentifier).concat(ts.isIdentifier(a) ? [a] : []).some((id) => accumulated.includes(id.text))));
          return save ? [{ file, line: lineOf(save), message: `The job saves ${accumulated[0]} only after the whole loop: a failure on a late item discards and repeats every earlier step.` }] : [];
        });
      });
    });
  },
});
