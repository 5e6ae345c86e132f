import { calleeName, lineOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Events that carry a failure: a job that failed (BullMQ `failed`, Agenda `fail` / `fail:<job>`), an emitter's error. */
const FAILURE_EVENTS = /^(?:failed|fail(?::.+)?|error|stalled|exit)$/;
/** Parameter names that hold the failure itself. */
const ERROR_PARAM = /^(?:e|err|error|ex|exc|exception|reason|failure|cause)$/i;
const LOGS = /\b(?:console|logger|log|fastify\.log|request\.log)\s*(?:\.\s*\w+\s*)?\(/;
/** Ways a listener may read the failure without its parameter: BullMQ keeps it on the job. */
const FAILURE_ON_JOB = /\b(?:failedReason|stacktrace|failReason)\b/;
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
    description: 'A listener for a failure event (`worker.on(\'failed\')`, Agenda `on(\'fail\')`, `on(\'error\')`) does nothing with it (an empty function or a no-op), or logs that something failed but never reads the error it was given.',
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
        // The process's own last-chance events are swallowed-error's (Code Quality): a no-op there drops the program's errors.
        if (!event || !FAILURE_EVENTS.test(event) || /^process\./.test(calleeName(call))) continue;
        const what = /^fail/.test(event) ? 'failed job' : 'failure';
        if (isNoop(listener)) hits.push({ file, line: lineOf(call), message: `The '${event}' listener does nothing: every ${what} it receives is dropped without a trace.` });
        else if (dropsTheError(listener)) hits.push({ file, line: lineOf(call), message: `The '${event}' listener logs that a ${what} happened but never reads the error it is given: the cause and stack are lost.` });
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

/** `agenda.on('fail', (err, job) => console.log('job failed', job.attrs.name))`: the error parameter is declared and never read. */
function dropsTheError(listener: ts.Expression): boolean {
  if (!ts.isArrowFunction(listener) && !ts.isFunctionExpression(listener)) return false;
  const errorParam = listener.parameters.map((p) => p.name).find((name): name is ts.Identifier => ts.isIdentifier(name) && ERROR_PARAM.test(name.text));
  if (!errorParam) return false;
  const body = listener.body.getText();
  // Only a listener that logs: one that reconnects or retries without reading the error is doing something else.
  if (!LOGS.test(body) || FAILURE_ON_JOB.test(body) || /\barguments\b/.test(body)) return false;
  return !new RegExp(`\\b${errorParam.text}\\b`).test(body);
}
