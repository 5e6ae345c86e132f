import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { chainBelow, enclosingFunction, expressionName, findNodes, isFunctionLike, lineOf, methodName, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Calls that return rows: the list whose length nobody bounds. */
const ROW_SOURCES = new Set(['findAll', 'findMany', 'find', 'findBy', 'query', 'select', 'where', 'whereIn', 'returning', 'getMany', 'getRawMany', 'aggregate', 'execute', 'lean']);
/** A call that leaves the process: a message, a notification, an HTTP request, a payment. Queues (`add`, `publish`) are the fix, not the problem. */
const OUTBOUND = /^(?:(?:send|notify|deliver|email|mail|sms|charge|refund|fetch|webhook)(?:[A-Z]\w*)?|(?:push|post)[A-Z]\w*)$|\w(?:Email|Mail|Sms|SMS|Notification|Webhook)$/;
const OUTBOUND_CLIENT = /^(?:axios|got|fetch|request|superagent|ky|undici)$/;

export default defineProbe({
  meta: {
    id: 'outbound-fan-out-without-concurrency-limit',
    title: 'Outbound call per row, all at once',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'medium',
    description: 'The rows of a query are turned into outbound calls all at the same time (`await Promise.all(rows.map((r) => sendSms(r)))`, `rows.forEach((r) => notify(r).catch(...))`): as many concurrent emails, SMS or HTTP requests as there are rows, with no concurrency limit.',
    impact: 'A large result opens thousands of sockets at once: the provider rate-limits or rejects most of them, the process runs out of sockets or memory, and the request that started it times out while the sends are half done.',
    remediation: 'Hand the sends to a queue, or bound the concurrency (`p-limit`, `p-map` with `{ concurrency }`, chunks of a fixed size) and report progress; for fire-and-forget loops, enqueue instead.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['.map(', '.forEach(']).length > 0,
  detect: (ctx) => ctx.scripts(['.map(', '.forEach(']).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  for (const call of findNodes(ctx.ast(file), ts.isCallExpression)) {
    const fanOut = fanOutOver(call);
    if (!fanOut) continue;
    const rows = rowsFromQuery(fanOut.list);
    const outbound = rows && outboundCall(fanOut.callback);
    if (outbound) hits.push({ file, line: lineOf(call), message: `Every row of ${rows} gets its own ${outbound}(...) at the same time: no concurrency limit.` });
  }
  return hits;
}

/** `Promise.all(list.map(fn))` / `Promise.allSettled(...)`, or `list.forEach(fn)` whose calls are not awaited. */
function fanOutOver(call: ts.CallExpression): { list: ts.Expression; callback: ts.FunctionLikeDeclaration } | undefined {
  const name = expressionName(call.expression);
  let iteration: ts.Expression | undefined;
  if (name === 'Promise.all' || name === 'Promise.allSettled') iteration = call.arguments[0];
  else if (methodName(call) === 'forEach') iteration = call;
  if (!iteration || !ts.isCallExpression(iteration) || !ts.isPropertyAccessExpression(iteration.expression)) return undefined;
  if (!['map', 'forEach'].includes(iteration.expression.name.text)) return undefined;
  const callback = iteration.arguments[0];
  return callback && isFunctionLike(callback) ? { list: iteration.expression.expression, callback } : undefined;
}

/** `patients` where `const patients = await Patient.findAll(...)` (or any awaited query chain) in the same function. */
function rowsFromQuery(list: ts.Expression): string | undefined {
  const fn = enclosingFunction(list);
  if (!ts.isIdentifier(list) || !fn?.body) return undefined;
  const decl = findNodes(fn.body, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === list.text);
  const init = decl?.initializer;
  if (!init || !ts.isAwaitExpression(init) || !ts.isCallExpression(init.expression)) return undefined;
  return chainBelow(init.expression).some((method) => ROW_SOURCES.has(method)) ? list.text : undefined;
}

/** The outbound call the callback itself makes; one wrapped in another function (`limit(() => send(r))`) is throttled by it. */
function outboundCall(callback: ts.FunctionLikeDeclaration): string | undefined {
  if (!callback.body) return undefined;
  const calls = findNodes(callback.body, ts.isCallExpression);
  // An expression body (`(p) => sendSms(p)`) is itself the call, and findNodes walks only what is below it.
  if (ts.isCallExpression(callback.body)) calls.unshift(callback.body);
  const call = calls.find((c) => enclosingFunction(c) === callback && isOutbound(c));
  return call ? expressionName(call.expression) : undefined;
}

function isOutbound(call: ts.CallExpression): boolean {
  const name = expressionName(call.expression);
  const root = name.split('.')[0] ?? '';
  return OUTBOUND_CLIENT.test(root) || OUTBOUND.test(methodName(call) ?? '');
}
