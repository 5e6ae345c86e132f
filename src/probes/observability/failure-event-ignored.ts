import { calleeName, lineOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Events that carry a failure: a job that failed, an emitter's error, the process's last-chance handlers. */
const FAILURE_EVENTS = /^(?:failed|error|stalled|unhandledRejection|uncaughtException|exit)$/;
const NOOP = /^(?:_\.|lodash\.)?noop$|^\(\)\s*=>\s*(?:\{\s*\}|undefined|null|void 0)$/;

export default defineProbe({
  meta: {
    id: 'failure-event-ignored',
    title: 'Failure event handled by a no-op',
    category: 'Observability',
    severity: 'MEDIUM',
    phase: 7,
    agent: 'ops-auditor',
    cwe: 'CWE-778',
    confidence: 'high',
    description: 'A listener for a failure event (`worker.on(\'failed\')`, `on(\'error\')`, `process.on(\'unhandledRejection\')`) does nothing with it: an empty function or a no-op.',
    impact: 'Failed jobs and emitter errors disappear without a log line or a metric: a queue can fail every job for days while dashboards stay green, and an `error` listener that swallows keeps a broken connection alive silently.',
    remediation: 'Log the failure with its context (job id, attempts, the error object) at error level, count it in a metric and alert on it; remove the listener if it only existed to stop a crash, and fix the cause instead.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['.on(', '.once(']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts(['.on(', '.once('])) {
      if (ctx.isFrontEnd(file)) continue;
      for (const call of ctx.calls(file)) {
        if (!/\.(?:on|once|addListener)$/.test(calleeName(call)) || call.arguments.length !== 2) continue;
        const event = stringValue(call.arguments[0]);
        const listener = call.arguments[1]!;
        if (!event || !FAILURE_EVENTS.test(event) || !isNoop(listener)) continue;
        hits.push({ file, line: lineOf(call), message: `The '${event}' listener does nothing: every ${event === 'failed' ? 'failed job' : 'failure'} it receives is dropped without a trace.` });
      }
    }
    return hits;
  },
});

function isNoop(listener: ts.Expression): boolean {
  if (NOOP.test(listener.getText().trim())) return true;
  if (!ts.isArrowFunction(listener) && !ts.isFunctionExpression(listener)) return false;
  // A comment in the body explains a deliberate choice; an empty body with none is an oversight.
  return ts.isBlock(listener.body) && listener.body.statements.length === 0 && !/\/[/*]/.test(listener.body.getText());
}
