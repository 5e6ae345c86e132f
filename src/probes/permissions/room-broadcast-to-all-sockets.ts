import { calleeName, enclosingFunction, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** A parameter naming the audience a message is meant for. */
const AUDIENCE = /^(?:room|channel|conversation|group|topic|chat|thread|team|workspace)(?:_?[iI][dD])?$/;
/** Every open connection: a registry map's values, `wss.clients`, Socket.IO's `io.sockets.sockets`. */
const ALL_CONNECTIONS = /\.values\(\)$|(?:^|\.)clients$|\.sockets\.sockets$/;

export default defineProbe({
  meta: {
    id: 'room-broadcast-to-all-sockets',
    title: 'Room message broadcast to every connected socket',
    category: 'Permissions',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-200',
    confidence: 'medium',
    description: 'A function that sends an event for one room or channel loops over every open WebSocket connection and sends it to all of them, never checking who belongs to the room.',
    impact: 'Every connected user receives private messages of rooms they are not a member of; a client that ignores the room id reads them all.',
    remediation: 'Keep connections per room (or use Socket.IO rooms / `io.to(roomId)`), or check each socket’s user against the room’s members before sending.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['.send(']).some((file) => /websocket|['"]ws['"]|socket\.io/i.test(file.text)),
  detect(ctx) {
    return ctx.scripts(['.send(']).filter((file) => /websocket|['"]ws['"]|socket\.io/i.test(file.text) && !ctx.isFrontEnd(file)).flatMap((file): Hit[] =>
      ctx.nodesOf<ts.ForOfStatement>(file, ts.SyntaxKind.ForOfStatement).flatMap((loop): Hit[] => {
        if (!ALL_CONNECTIONS.test(loop.expression.getText()) || outerLoop(loop)) return [];
        const fn = enclosingFunction(loop);
        const audience = fn?.parameters.map((p) => p.name.getText()).find((name) => AUDIENCE.test(name));
        // The room id inside the payload filters nothing; a condition on it (or a lookup by it) does.
        if (!audience || !sends(loop.statement) || new RegExp(`\\b${audience}\\b`).test(withoutSends(loop.statement))) return [];
        return [{ file, line: lineOf(loop), message: `The event for ${audience} goes to every open connection, members of that room or not.` }];
      }),
    );
  },
});

/** An enclosing loop over all connections already reports this one. */
function outerLoop(loop: ts.ForOfStatement): boolean {
  for (let up = loop.parent; up && !ts.isFunctionLike(up); up = up.parent) if (ts.isForOfStatement(up) && ALL_CONNECTIONS.test(up.expression.getText())) return true;
  return false;
}

function sends(body: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && /\.(?:send|emit)$/.test(calleeName(node))) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** The loop body's text without the send calls' arguments. */
function withoutSends(body: ts.Node): string {
  let text = body.getText();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && /\.(?:send|emit)$/.test(calleeName(node))) text = text.replace(node.getText(), '');
    else ts.forEachChild(node, visit);
  };
  visit(body);
  return text;
}
