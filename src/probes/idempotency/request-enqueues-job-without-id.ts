import { calleeName, lineOf, methodName, propertyOf, ts } from '../support/ast.js';
import { requestFlow } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

/** A validator's output is still the client's data. */
const PASS = /(?:parse|parseAsync|safeParse|validate|validateSync|cast)$/;
/** Options that make BullMQ/Bull drop a second add of the same job. */
const DEDUPE_OPTIONS = new Set(['jobId', 'deduplication', 'debounce']);

export default defineProbe({
  meta: {
    id: 'request-enqueues-job-without-id',
    title: 'Request handler enqueues a job with no job id',
    category: 'Idempotency',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'An HTTP handler adds a BullMQ/Bull job built from the request body with no `jobId` (or deduplication) option, so every retry of the request enqueues the work again.',
    impact: 'A client retry after a timeout, a double click or a proxy resend queues a second job for the same request: the work runs twice, paid calls are paid twice and results are written twice.',
    remediation: 'Pass a `jobId` derived from the operation (a client-supplied idempotency key or the id of the record the request created, e.g. `{ jobId: `enrich:${batchId}` }`) in the job options, so BullMQ ignores a duplicate add.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.hasDependency('bullmq', 'bull', '@nestjs/bullmq', '@nestjs/bull'),
  detect(ctx) {
    return ctx.scripts(['.add(']).flatMap((file) =>
      ctx.calls(file).flatMap((call): Hit[] => {
        if (methodName(call) !== 'add' || !/queue/i.test(calleeName(call).split('.').slice(-2, -1)[0] ?? '') || call.arguments.length < 2) return [];
        const [, data, options] = call.arguments;
        if (options && (!ts.isObjectLiteralExpression(options) || options.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && DEDUPE_OPTIONS.has(p.name.getText()))))) return [];
        const flow = requestFlow(call, PASS);
        if (!flow || !data || !ts.isObjectLiteralExpression(data)) return [];
        const carried = data.properties.some((p) => (ts.isPropertyAssignment(p) ? flow.carries(p.initializer) : ts.isSpreadAssignment(p) ? flow.carries(p.expression) : ts.isShorthandPropertyAssignment(p) && flow.carries(p.name)));
        if (!carried) return [];
        const misplaced = propertyOf(data, 'jobId') !== undefined ? ' (the `jobId` in the job data is not the option BullMQ deduplicates on)' : '';
        return [{ file, line: lineOf(call), message: `${calleeName(call)}(...) queues request data with no jobId option${misplaced}: a retried request enqueues the job again.` }];
      }),
    );
  },
});
