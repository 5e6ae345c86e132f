import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { enclosingFunction, lineOf, ts } from '../support/ast.js';
import { bindings } from '../support/imports.js';
import { defineProbe, type Hit } from '../types.js';

/** Driver → the constructor (`new`) or factory that opens one dedicated connection. */
const DRIVERS: readonly { module: RegExp; ctor?: string; factory?: string }[] = [
  { module: /^pg$/, ctor: 'Client' },
  { module: /^mysql2?(?:\/promise)?$/, factory: 'createConnection' },
  { module: /^mongodb$/, ctor: 'MongoClient' },
];
/** One connection per process is what these functions are for. */
const STARTUP = /^(?:main|bootstrap|start\w*|init\w*|setup\w*|migrate\w*|seed\w*|listen\w*|subscribe\w*|connect\w*|create\w*(?:Client|Connection|Pool)|get\w*(?:Client|Connection|Db))$/i;
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|migrations?|seeds?|prisma)\//;

export default defineProbe({
  meta: {
    id: 'database-connection-per-call',
    title: 'New database connection per request or job',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    confidence: 'medium',
    description: 'A request handler, queue job or other repeated function opens its own database connection (`new pg.Client()`, `mysql.createConnection()`, `new MongoClient()`) instead of borrowing one from a shared pool.',
    impact: 'Every call pays a TCP and TLS handshake and authentication, and concurrent calls open as many connections as there are requests or jobs: the database hits max_connections and refuses everyone.',
    remediation: 'Create one pool at startup (`new pg.Pool({ max })`, `mysql.createPool`, one MongoClient) and use it everywhere, or `pool.connect()` … `client.release()` where a dedicated connection is needed.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['Client', 'createConnection']).length > 0,
  detect: (ctx) => ctx.scripts(['Client', 'createConnection']).filter((file) => !NOT_SERVER_PATH.test(file.path)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const sf = ctx.ast(file);
  const opens = new Set<string>();
  for (const driver of DRIVERS) {
    const bound = bindings(sf, driver.module);
    const name = driver.ctor ?? driver.factory!;
    for (const ns of bound.ns) opens.add(`${ns}.${name}`);
    for (const [local, exported] of bound.named) if (exported === name) opens.add(local);
  }
  if (opens.size === 0) return [];
  const candidates = [...ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression), ...ctx.calls(file)];
  return candidates.flatMap((node): Hit[] => {
    if (!opens.has(node.expression.getText())) return [];
    const fn = enclosingFunction(node);
    if (!fn || STARTUP.test(functionName(fn)) || /\bLISTEN\b|\.on\(\s*['"]notification['"]/.test(fn.getText())) return [];
    return [{ file, line: lineOf(node), message: `${node.expression.getText()} opens a new database connection each time ${functionName(fn) || 'this function'} runs, instead of using a shared pool.` }];
  });
}

/** `function handle()`, `const handle = () =>`, `handle() {}`, or '' for an anonymous callback. */
function functionName(fn: ts.FunctionLikeDeclaration): string {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  return ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : '';
}
