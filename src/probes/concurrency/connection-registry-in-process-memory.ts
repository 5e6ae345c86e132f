import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const REALTIME_MODULES = /(?:from\s+|require\()['"](?:ws|socket\.io|@fastify\/websocket|express-ws|uWebSockets\.js|@nestjs\/websockets|koa-websocket|sockjs)['"]|websocket\s*:\s*true/;
/** A shared bus makes every replica see every connection's events. */
const SHARED_BUS = /@socket\.io\/(?:redis|postgres|mongo)-adapter|socket\.io-redis|\.adapter\(|\b(?:p?subscribe|publish)\(|createAdapter/;
const SOCKET_TYPE = /\b(?:Web)?Socket\b|\bWS\b|\bConnection\b/;
const SOCKET_NAME = /socket|connection|client|online|presence|subscriber|peer/i;

export default defineProbe({
  meta: {
    id: 'connection-registry-in-process-memory',
    title: 'Live connections tracked in one process',
    category: 'Concurrency',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A WebSocket server keeps its connected users or sockets in a module-level Map/Set and broadcasts from it, with no shared bus (Redis adapter, pub/sub) between replicas.',
    impact: 'With two or more replicas each process only knows its own connections: messages, presence and notifications silently miss every user connected to another replica, and the bug only appears after scaling out.',
    remediation: 'Fan events out through a shared bus (the socket.io Redis adapter, Redis or Postgres pub/sub, NATS) and keep presence in a shared store with an expiry; or pin the deployment to one replica and say so.',
    effort: 'days',
  },
  applies: (ctx) => ctx.scripts([REALTIME_MODULES]).length > 0,
  detect(ctx) {
    // The bus may be wired in any file of the same app (the folder of its nearest package.json).
    const roots = ctx.view.files.filter((f) => f.path === 'package.json' || f.path.endsWith('/package.json')).map((f) => f.path.slice(0, -'package.json'.length));
    const rootOf = (path: string): string => roots.filter((r) => path.startsWith(r)).sort((a, b) => b.length - a.length)[0] ?? '';
    const bussed = new Set(ctx.scripts([SHARED_BUS]).map((f) => rootOf(f.path)));
    return ctx.scripts([REALTIME_MODULES]).filter((file) => !bussed.has(rootOf(file.path))).flatMap((file) => checkFile(ctx, file));
  },
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  return ctx.ast(file).statements.filter(ts.isVariableStatement).flatMap((statement) =>
    statement.declarationList.declarations.flatMap((decl): Hit[] => {
      const init = decl.initializer;
      if (!ts.isIdentifier(decl.name) || !init || !ts.isNewExpression(init) || !/^(?:Map|Set|WeakMap)$/.test(init.expression.getText()) || init.arguments?.length) return [];
      const typed = (init.typeArguments ?? []).some((t) => SOCKET_TYPE.test(t.getText())) || (decl.type !== undefined && SOCKET_TYPE.test(decl.type.getText()));
      if (!typed && !SOCKET_NAME.test(decl.name.text)) return [];
      return [{ file, line: lineOf(decl), message: `${decl.name.text} keeps live connections in this process's memory: with more than one replica, each one sees only its own users.` }];
    }),
  );
}
