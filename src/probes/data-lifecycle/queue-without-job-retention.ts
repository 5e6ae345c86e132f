import { lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

export default defineProbe({
  meta: {
    id: 'queue-without-job-retention',
    title: 'Job queue keeps every finished job forever',
    category: 'Data Lifecycle',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: 'A BullMQ or Bull queue is created without removeOnComplete / removeOnFail in its default job options, and neither its workers nor the calls that add jobs set them.',
    impact: 'BullMQ keeps every completed and failed job (with its payload) in Redis by default: memory grows until Redis evicts keys or stops accepting writes, and job payloads full of customer data are retained with no end date.',
    remediation: 'Set `defaultJobOptions: { removeOnComplete: { age, count }, removeOnFail: { age } }` on the queue (or `removeOnComplete` / `removeOnFail` on its Worker), sized to how long you need finished jobs for debugging.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.hasDependency('bullmq', 'bull'),
  detect(ctx) {
    const files = ctx.scripts(['Queue(']);
    const queues: { file: Hit['file']; node: ts.NewExpression; name: string; variable?: string }[] = [];
    const retained = new Set<string>();
    const addedWith = new Set<string>();
    for (const file of ctx.scripts(['Queue(', 'Worker(', '.add(', '.addBulk('])) {
      for (const created of ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression)) {
        const kind = created.expression.getText().split('.').at(-1);
        const name = stringValue(created.arguments?.[0]);
        if ((kind !== 'Queue' && kind !== 'Worker') || name === undefined) continue;
        const options = created.arguments?.find((a): a is ts.ObjectLiteralExpression => ts.isObjectLiteralExpression(a));
        const defaults = options && (kind === 'Queue' ? propertyOf(options, 'defaultJobOptions') : options);
        if (defaults && ts.isObjectLiteralExpression(defaults) && (propertyOf(defaults, 'removeOnComplete') ?? propertyOf(defaults, 'removeOnFail'))) retained.add(name);
        else if (kind === 'Queue' && files.includes(file)) {
          const variable = ts.isVariableDeclaration(created.parent) ? created.parent.name.getText() : undefined;
          queues.push({ file, node: created, name, variable });
        }
      }
      // `queue.add(name, data, { removeOnComplete: true })` sets retention per job.
      for (const call of ctx.calls(file)) {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || !/^add(?:Bulk)?$/.test(callee.name.text) || !/removeOn(?:Complete|Fail)/.test(call.getText())) continue;
        addedWith.add(callee.expression.getText().split('.').at(-1)!);
      }
    }
    return queues
      .filter((q) => !retained.has(q.name) && !(q.variable && addedWith.has(q.variable)))
      .map((q) => ({ file: q.file, line: lineOf(q.node), message: `Queue "${q.name}" keeps every completed and failed job in Redis: nothing sets removeOnComplete / removeOnFail.` }));
  },
});
