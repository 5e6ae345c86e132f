import type { ProbeContext } from '../context.js';
import { calleeName, endLineOf, findNodes, isFunctionLike, lineOf, stringValue, ts } from '../support/ast.js';
import { httpListenCalls } from '../support/http-server.js';
import { defineProbe, type Hit } from '../types.js';

/** Libraries that drain connections on SIGTERM for you. */
const SHUTDOWN_PACKAGES = ['close-with-grace', '@godaddy/terminus', 'lightship', 'http-terminator', 'http-graceful-shutdown', 'fastify-graceful-shutdown', 'exit-hook', 'async-exit-hook', 'node-graceful-shutdown', '@moebius/http-graceful-shutdown'];
/** Signal names written anywhere in code, `app.enableShutdownHooks()` (Nest) and `closeWithGrace(`: shutdown is handled somewhere. */
const HANDLED = /\bSIG(?:TERM|INT)\b|enableShutdownHooks\s*\(|closeWithGrace\s*\(|createTerminus\s*\(|createHttpTerminator\s*\(|createLightship\s*\(/;
/** Platforms that own the process: serverless handlers are never sent SIGTERM mid-request by the app's own code. */
const SERVERLESS_PACKAGES = ['serverless-http', '@vendia/serverless-express', '@codegenie/serverless-express', '@netlify/functions', '@vercel/node'];
const ENTRY_FILE = /(?:^|\/)(?:server|main|index|app|bootstrap|start|www)\.[cm]?[jt]s$/;
/** Mock servers, scripts and examples do not ship. */
const DEV_ONLY_PATH = /(?:^|\/)(?:scripts?|tools|mocks?|examples?|demo|dev|e2e|benchmarks?)\//;

export default defineProbe({
  meta: {
    id: 'no-graceful-shutdown',
    title: 'HTTP server without graceful shutdown',
    category: 'Reliability',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'The application starts an HTTP server but nothing handles SIGTERM/SIGINT (no process.on(\'SIGTERM\'), Nest enableShutdownHooks, close-with-grace, terminus, lightship or http-terminator).',
    impact: 'Every deploy, scale-down or restart kills in-flight requests and background work mid-way: clients see errors and half-done writes are left behind.',
    remediation: 'On SIGTERM stop accepting connections (`server.close()`), let in-flight requests finish within a deadline, close the database and queue clients, then exit; or use close-with-grace / @godaddy/terminus, or `app.enableShutdownHooks()` in Nest.',
    effort: 'hours',
  },
  applies: (ctx) => listens(ctx).length > 0,
  detect(ctx) {
    const roots = appRoots(ctx);
    const rootOf = (path: string): string => roots.filter((root) => path.startsWith(root)).sort((a, b) => b.length - a.length)[0] ?? '';
    const serverApps = new Set(listens(ctx).map((hit) => rootOf(hit.file.path)));
    // Handling in the server's own package, or in a shared package (one that starts no server), covers it.
    const handlerFiles = ctx.scripts(['SIG', 'enableShutdownHooks', 'closeWithGrace', 'createTerminus', 'Terminator', 'Lightship']).filter((file) => HANDLED.test(file.text));
    // A signal handler that only exits (`process.on('SIGTERM', () => process.exit(0))`) handles nothing: it is reported itself.
    const exitOnly = handlerFiles.flatMap((file) => {
      const { exiting, total } = signalHandlers(ctx, file);
      // Only when every signal handler of the file just exits, and nothing else there (a library, Nest hooks) shuts down.
      if (exiting.length === 0 || exiting.length < total || /enableShutdownHooks\s*\(|closeWithGrace\s*\(|createTerminus\s*\(|createHttpTerminator\s*\(|createLightship\s*\(/.test(file.text)) return [];
      return exiting.slice(0, 1).map((call) => ({ file, line: lineOf(call), endLine: endLineOf(call) }));
    });
    const exitOnlyFiles = new Set(exitOnly.map((hit) => hit.file));
    // Node runs every listener: an exit-only handler next to the server's listen() ends the process before another file's drain finishes.
    const serverFiles = new Set(listens(ctx).map((hit) => hit.file));
    const handled = new Set(handlerFiles.filter((file) => !exitOnlyFiles.has(file)).map((file) => rootOf(file.path)));
    if ([...handled].some((root) => !serverApps.has(root))) return [];
    const reported = new Set<string>();
    const exitHits = exitOnly.flatMap((hit): Hit[] => {
      const root = rootOf(hit.file.path);
      if ((handled.has(root) && !serverFiles.has(hit.file)) || reported.has(root) || !serverApps.has(root)) return [];
      reported.add(root);
      return [{ ...hit, message: 'The SIGTERM handler calls process.exit() straight away: in-flight requests are cut off and nothing is drained or closed.' }];
    });
    // The entry point (server.ts, main.ts, index.ts) speaks for its application, before side servers (metrics, admin).
    const entryFirst = [...listens(ctx)].sort((a, b) => Number(!ENTRY_FILE.test(a.file.path)) - Number(!ENTRY_FILE.test(b.file.path)));
    return [...exitHits, ...entryFirst.flatMap((hit): Hit[] => {
      const root = rootOf(hit.file.path);
      if (handled.has(root) || reported.has(root) || [...SHUTDOWN_PACKAGES, ...SERVERLESS_PACKAGES].some((name) => dependenciesOf(ctx, root).has(name))) return [];
      reported.add(root);
      return [{ ...hit, message: 'This server is started but nothing in its application handles SIGTERM, so every deploy or scale-down cuts off in-flight requests.' }];
    })];
  },
});

/** Work a shutdown handler does besides exiting: closing servers, pools and queues, draining, waiting. */
const DRAINS = /\.(?:close|stop|drain|disconnect|destroy|quit|end|terminate|shutdown|flush|pause)\(|\b(?:shutdown|gracefulShutdown|drain|cleanup|closeAll|teardown)\w*\(|setTimeout\(/i;

/**
 * `process.on('SIGTERM', () => process.exit(0))` and `process.once('SIGINT', () => { log(); process.exit() })`:
 * signal handlers written inline that exit without closing anything. Handlers passed by name are trusted.
 */
function signalHandlers(ctx: ProbeContext, file: Parameters<ProbeContext['ast']>[0]): { exiting: ts.CallExpression[]; total: number } {
  const all = ctx.calls(file).filter((call) => /^process\.(?:on|once|addListener)$/.test(calleeName(call)) && /^SIG(?:TERM|INT)$/.test(stringValue(call.arguments[0]) ?? ''));
  const exiting = all.filter((call) => {
    const handler = call.arguments[1];
    if (!handler || !isFunctionLike(handler) || !handler.body) return false;
    const text = handler.body.getText();
    // A concise body (`() => process.exit(0)`) is itself the call: findNodes only walks below it.
    const calls = [handler.body, ...findNodes(handler.body, ts.isCallExpression)].filter(ts.isCallExpression);
    return calls.some((c) => calleeName(c) === 'process.exit') && !DRAINS.test(text.replace(/process\.exit\([^)]*\)/g, ''));
  });
  return { exiting, total: all.length };
}

/** Folders holding a package.json: each is judged as one application. */
function appRoots(ctx: ProbeContext): string[] {
  return ctx.view.files.filter((f) => f.path === 'package.json' || f.path.endsWith('/package.json')).map((f) => f.path.slice(0, -'package.json'.length));
}

/** Dependencies of the application's package.json and of the repository root's. */
function dependenciesOf(ctx: ProbeContext, root: string): Set<string> {
  const names = new Set<string>();
  for (const file of ctx.view.files.filter((f) => f.path === `${root}package.json` || f.path === 'package.json')) {
    try {
      const pkg = JSON.parse(file.text) as Record<string, Record<string, string> | undefined>;
      for (const field of ['dependencies', 'devDependencies']) for (const name of Object.keys(pkg[field] ?? {})) names.add(name);
    } catch {
      // a broken manifest declares nothing
    }
  }
  return names;
}

const memo = new WeakMap<ProbeContext, Hit[]>();

function listens(ctx: ProbeContext): Hit[] {
  let found = memo.get(ctx);
  if (!found) {
    found = ctx
      .scripts(['.listen(', '.start()'])
      .filter((file) => !DEV_ONLY_PATH.test(file.path) && !ctx.isFrontEnd(file))
      .flatMap((file) => httpListenCalls(ctx.ast(file)).slice(0, 1).map((call) => ({ file, line: lineOf(call) })));
    memo.set(ctx, found);
  }
  return found;
}
