import { findNodes, isInsideTry, lineOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Events whose payload comes from another party: WebSocket and socket messages, queue and pub/sub deliveries. */
const MESSAGE_EVENTS = /^(?:message|data)$/;

export default defineProbe({
  meta: {
    id: 'unguarded-json-parse-of-message',
    title: 'Socket or queue message parsed without a guard',
    category: 'Code Quality',
    severity: 'MEDIUM',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-755',
    confidence: 'medium',
    description: 'A `message` or `data` event listener (WebSocket, socket, queue consumer) calls JSON.parse on the payload outside any try/catch.',
    impact: 'One malformed frame from a client throws inside the listener: an uncaught exception that can crash the process for every connected user, or an unhandled rejection in an async listener.',
    remediation: 'Parse inside try/catch (or a safe-parse helper) and validate the shape with a schema; answer or drop bad messages and log them.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(['JSON.parse']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts(['JSON.parse'])) {
      if (ctx.isFrontEnd(file)) continue;
      for (const call of ctx.calls(file)) {
        if (!/\.(?:on|once|addListener)$/.test(call.expression.getText()) || !MESSAGE_EVENTS.test(stringValue(call.arguments[0]) ?? '')) continue;
        const listener = call.arguments[1];
        if (!listener || (!ts.isArrowFunction(listener) && !ts.isFunctionExpression(listener))) continue;
        const payload = listener.parameters[0]?.name.getText();
        if (!payload) continue;
        for (const parse of findNodes(listener.body, ts.isCallExpression)) {
          if (parse.expression.getText() !== 'JSON.parse' || !parse.arguments[0] || isInsideTry(parse, listener)) continue;
          if (!findNodes(parse.arguments[0], ts.isIdentifier).concat(ts.isIdentifier(parse.arguments[0]) ? [parse.arguments[0]] : []).some((id) => id.text === payload)) continue;
          hits.push({ file, line: lineOf(parse), message: `JSON.parse of the '${stringValue(call.arguments[0])}' payload is not guarded: one malformed message throws inside the listener.` });
        }
      }
    }
    return hits;
  },
});
