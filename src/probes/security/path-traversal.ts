import { calleeName, endLineOf, findNodes, lineOf, propertyOf, ts } from '../support/ast.js';
import { bindings, type Bindings } from '../support/imports.js';
import { requestFlow, sourcesOf, type Flow } from '../support/request-flow.js';
import { defineProbe } from '../types.js';

const FS_MODULE = /^(?:node:)?fs(?:\/promises)?$|^(?:fs-extra|graceful-fs)$/;
const ONE_PATH = ['readFile', 'readFileSync', 'createReadStream', 'createWriteStream', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'readdir', 'readdirSync', 'open', 'openSync', 'outputFile', 'remove', 'removeSync', 'readJson', 'readJsonSync'];
const TWO_PATHS = ['copyFile', 'copyFileSync', 'rename', 'renameSync', 'copy', 'move'];
/** Calls that keep request data as it is; `path.basename`, lookups and validators are not among them. */
const PASS = /^(?:String|decodeURIComponent|decodeURI|path\.(?:join|resolve|normalize)|join|resolve|normalize)$|\.(?:toString|trim|concat)$/;
/** Checks that keep a path inside a folder or pick it from a fixed set. */
const GUARD = /^(?:startsWith|includes|has|indexOf|test|match|relative|basename)$|inside|contain|sanitiz|safe|allow|valid|whitelist/i;

export default defineProbe({
  meta: {
    id: 'path-traversal',
    title: 'File path built from request data',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-22',
    confidence: 'medium',
    description: 'Request data names the file an `fs` call, `res.sendFile` or `res.download` opens, writes or deletes, with no containment check, basename or allow-list in the handler.',
    impact: 'An attacker reads, overwrites or deletes files outside the intended folder with `../` or an absolute path: source code, secrets, keys, other users’ uploads.',
    remediation: 'Keep only a file name (`path.basename`) or map an id to a fixed path; otherwise `path.resolve(base, input)` and reject it unless it starts with `base + path.sep`. Give `res.sendFile` a `root`.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx
      .scripts(['fs', 'sendFile', 'download'])
      .filter((file) => !ctx.isFrontEnd(file))
      .flatMap((file) => {
        const sf = ctx.ast(file);
        const fs = bindings(sf, FS_MODULE);
        return findNodes(sf, ts.isCallExpression).flatMap((call) => {
          const sink = sinkOf(call, fs);
          for (const arg of sink?.paths ?? []) {
            const flow = requestFlow(arg, PASS, notServerChosen);
            if (!flow || !flow.carries(arg) || guarded(flow, call)) continue;
            const message = `Request data decides the path given to ${sink!.name}(), with no check that it stays inside the intended folder.`;
            return [{ file, line: lineOf(entryOf(arg, flow)), endLine: endLineOf(call), message }];
          }
          return [];
        });
      });
  },
});

function sinkOf(call: ts.CallExpression, fs: Bindings): { name: string; paths: ts.Expression[] } | undefined {
  const callee = call.expression;
  const [a, b] = call.arguments;
  const sink = (name: string) => (ONE_PATH.includes(name) ? { name, paths: [a!] } : TWO_PATHS.includes(name) ? { name, paths: [a!, b!] } : undefined);
  if (!a) return undefined;
  if (ts.isIdentifier(callee)) return sink(fs.named.get(callee.text) ?? '');
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const owner = callee.expression;
  // send (behind res.sendFile) refuses a path that leaves its `root`.
  if (/^(?:sendFile|download)$/.test(callee.name.text) && /^(?:res|response)$/.test(owner.getText())) {
    return call.arguments.some((arg) => ts.isObjectLiteralExpression(arg) && propertyOf(arg, 'root')) ? undefined : { name: `res.${callee.name.text}`, paths: [a] };
  }
  const isFs = ts.isIdentifier(owner)
    ? fs.ns.has(owner.text) || fs.named.get(owner.text) === 'promises'
    : ts.isPropertyAccessExpression(owner) && owner.name.text === 'promises' && fs.ns.has(owner.expression.getText());
  return isFs ? sink(callee.name.text) : undefined;
}

/** Multer's `req.file.path` and `filename` are chosen by the server; `originalname` is the client's. */
function notServerChosen(field: string, node: ts.Node): boolean {
  let up = node.parent;
  while (ts.isElementAccessExpression(up) || ts.isNonNullExpression(up)) up = up.parent;
  return !/^files?$/.test(field) || !(ts.isPropertyAccessExpression(up) && /^(?:path|filename|destination|size|mimetype|buffer)$/.test(up.name.text));
}

/** A check on request data before the call: `full.startsWith(base)`, `ALLOWED.has(name)`, `/^\w+$/.test(id)`. */
function guarded(flow: Flow, sink: ts.Node): boolean {
  return findNodes(flow.fn, ts.isCallExpression).some((call) => call !== sink && call.end <= sink.end && GUARD.test(calleeName(call).split('.').pop()!) && flow.scope.mentions(call));
}

/**
 * Where request data enters the path: for `fs.copyFileSync(tmp, target)` the `path.join(dir, req.file.originalname)`
 * that built `target`, followed back through locals; the evidence then runs from there to the fs call.
 */
function entryOf(arg: ts.Expression, flow: Flow, depth = 0): ts.Node {
  if (depth > 4 || !ts.isIdentifier(arg)) return arg;
  const source = sourcesOf(arg.text, flow.fn).find((candidate) => candidate.end <= arg.pos && flow.carries(candidate));
  return source && ts.isExpression(source) ? entryOf(source, flow, depth + 1) : arg;
}
