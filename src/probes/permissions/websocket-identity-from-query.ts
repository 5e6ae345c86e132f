import { enclosingFunction, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Locals that name who the connection belongs to. */
const IDENTITY = /^(?:user|userId|user_id|uid|username|userName|accountId|account_id|memberId|member_id|playerId|player_id|ownerId|owner_id|customerId|customer_id|tenantId|orgId)$/;
/** The connection URL's query string: WHATWG `searchParams`, Node's `url.parse(…, true).query`, Socket.IO's `handshake.query`. */
const QUERY_READ = /searchParams\.get\(|\.query\s*(?:\.|\[|\?\.)|handshake\.query\b/;
const SOCKET_FILE = /websocket|['"]ws['"]|socket\.io|['"]uWebSockets|WebSocketServer|@fastify\/websocket|@nestjs\/websockets/;
const CONNECTION_PARAM = /^(?:socket|ws|conn|connection|client|websocket|webSocket)$/;

export default defineProbe({
  meta: {
    id: 'websocket-identity-from-query',
    title: 'WebSocket trusts the user id in its URL',
    category: 'Permissions',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-287',
    confidence: 'medium',
    description: 'A WebSocket connection handler takes the user’s identity from the connection URL’s query string (`?userId=`) instead of a verified session or token.',
    impact: 'Anyone can open a socket as any user by changing the query string: read their live messages and send events in their name.',
    remediation: 'Authenticate the upgrade request (session cookie, or a short-lived token verified with jwt.verify) and take the user id from the verified claims; reject the connection otherwise.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts([SOCKET_FILE]).length > 0,
  detect(ctx) {
    return ctx.scripts([SOCKET_FILE]).filter((file) => !ctx.isFrontEnd(file)).flatMap((file): Hit[] =>
      ctx.nodesOf<ts.VariableDeclaration>(file, ts.SyntaxKind.VariableDeclaration).flatMap((decl): Hit[] => {
        const names = ts.isIdentifier(decl.name) ? [decl.name.text] : decl.name.elements.map((el) => (ts.isBindingElement(el) ? (el.propertyName ?? el.name).getText() : ''));
        const init = decl.initializer?.getText() ?? '';
        const claimed = names.find((n) => IDENTITY.test(n));
        const fromQuery = ts.isIdentifier(decl.name) ? QUERY_READ.test(init) : /(?:\.query|searchParams)\s*$/.test(init);
        if (!claimed || !fromQuery || !onConnection(decl) || /verify|decode|session|token/i.test(init)) return [];
        return [{ file, line: lineOf(decl), message: `The socket's ${claimed} comes from the connection URL, so a client can claim to be anyone.` }];
      }),
    );
  },
});

/** Inside a connection callback: a function taking the socket, registered with `on('connection')` or a `{ websocket: true }` route. */
function onConnection(node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const call = fn.parent;
    if (ts.isCallExpression(call) && (/\.on\(\s*['"]connect(?:ion)?['"]/.test(call.getText().slice(0, 60)) || call.arguments.some((a) => /websocket\s*:\s*true/.test(a.getText())))) return true;
    if (fn.parameters.some((p) => CONNECTION_PARAM.test(p.name.getText())) && fn.parameters.length >= 1 && ts.isCallExpression(call)) return true;
  }
  return false;
}
