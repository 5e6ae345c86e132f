import { calleeName, enclosingFunction, endLineOf, findNodes, lineOf, methodName, stringValue, ts } from '../support/ast.js';
import { isLogCall } from '../support/error-handlers.js';
import { defineProbe, type Hit } from '../types.js';

/** Clean-up whose failure changes nothing: ignoring it is a decision, not an accident. */
const CLEANUP = new Set(['unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'close', 'destroy', 'disconnect', '$disconnect', 'release', 'end', 'quit', 'kill', 'abort', 'cancel', 'removeListener', 'off', 'clearTimeout', 'clearInterval']);
const CONSOLE_ONLY = /^console\.(?:log|info|debug)$/;

export default defineProbe({
  meta: {
    id: 'swallowed-error',
    title: 'Error caught and silently dropped',
    category: 'Code Quality',
    severity: 'MEDIUM',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-390',
    confidence: 'medium',
    description: 'A catch block is empty or only prints to console.log, a promise ends in `.catch(() => {})`, or `process.on(\'unhandledRejection\')` / `uncaughtException` is given a no-op, with no comment saying why the error may be ignored.',
    impact: 'Failures vanish: the caller carries on as if the operation worked, data goes missing, and nobody is alerted or has a trace to debug.',
    remediation: 'Handle the error (retry, fall back, return an error response) or rethrow it; if ignoring it is right, log it with the logger and write a comment saying why.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts().length > 0,
  detect(ctx) {
    return ctx
      .scripts(['catch', 'unhandledRejection', 'uncaughtException'])
      .filter((file) => !/(?:^|\/)scripts?\/|\.config\.[cm]?[jt]s$/.test(file.path) && !ctx.isFrontEnd(file))
      .flatMap((file) => {
        const hits: Hit[] = [];
        const candidates = [...ctx.nodesOf<ts.CatchClause>(file, ts.SyntaxKind.CatchClause), ...ctx.calls(file)].sort((a, b) => a.pos - b.pos);
        for (const node of candidates) {
          const success = ts.isCatchClause(node) ? reportsSuccess(node) : undefined;
          if (success) {
            hits.push({ file, line: lineOf(success), message: 'The catch block answers as if the operation succeeded: the caller is told it worked when it failed.' });
            continue;
          }
          const why = ts.isCatchClause(node) ? swallowingCatch(node) : (swallowingHandler(node) ?? swallowingProcessHandler(node));
          if (!why || (ts.isCallExpression(node) && trailingReason(node))) continue;
          const at = ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node;
          // A catch clause is reported whole, so the evidence shows the statement that drops the error, not just `catch (e) {`.
          hits.push({ file, line: lineOf(at), ...(ts.isCatchClause(node) ? { endLine: endLineOf(node) } : {}), message: why });
        }
        return hits;
      });
  },
});

function swallowingCatch(clause: ts.CatchClause): string | undefined {
  const attempt = clause.parent as ts.TryStatement;
  if (attempt.tryBlock.statements.length > 0 && attempt.tryBlock.statements.every(isCleanup)) return undefined;
  if (isIntentionalWrapper(clause) || explained(clause.block) || isRetryAttempt(attempt)) return undefined;
  const statements = clause.block.statements;
  if (statements.length === 0) return 'Empty catch block: the error is dropped without a trace.';
  if (statements.length === 1 && isConsoleOnly(statements[0]!)) return 'The catch block only prints the error with console.log and carries on as if nothing failed.';
  if (!readsTheError(clause) && statements.every(isLogStatement)) return 'The catch block logs that something failed but drops the error itself: no cause or stack is kept, and the code carries on as if it had worked.';
  if (!readsTheError(clause) && statements.every(isPlainResponse)) return 'The catch block answers the request with an ordinary success response and drops the error: the client gets an empty result instead of a failure, and nothing is logged.';
  return undefined;
}

/** `catch (err) { … err … }`: the block does something with the error it caught. */
function readsTheError(clause: ts.CatchClause): boolean {
  const name = clause.variableDeclaration?.name;
  if (!name || !ts.isIdentifier(name)) return false;
  return findNodes(clause.block, ts.isIdentifier).some((id) => id.text === name.text);
}

/** Logger calls of any shape, hapi's `request.log(['warn'], '…')` included. */
function isLogStatement(statement: ts.Statement): boolean {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
  const call = statement.expression;
  return isLogCall(call) || /^(?:\w+\.)*log$/.test(calleeName(call));
}

/** `res.json({ summary: '' })`, `reply.send([])`: a 200 with a made-up body, no error status set anywhere in the chain. */
function isPlainResponse(statement: ts.Statement): boolean {
  let expr: ts.Expression | undefined = ts.isExpressionStatement(statement) ? statement.expression : ts.isReturnStatement(statement) ? statement.expression : undefined;
  if (expr && ts.isAwaitExpression(expr)) expr = expr.expression;
  if (!expr || !ts.isCallExpression(expr) || !/^(?:res|reply|response)\.(?:json|send)$/.test(calleeName(expr))) return false;
  const payload = expr.arguments[0];
  return !!payload && !/\berror|\bfail|\bmessage\b/i.test(payload.getText());
}

/** `.catch(() => {})`, `.catch(() => null)`, `.catch(noop)`, `.catch(e => console.log(e))`. */
function swallowingHandler(call: ts.CallExpression): string | undefined {
  if (methodName(call) !== 'catch' || !ts.isPropertyAccessExpression(call.expression) || call.arguments.length !== 1) return undefined;
  const receiverCalls = findNodes(call.expression.expression, ts.isCallExpression).concat(ts.isCallExpression(call.expression.expression) ? [call.expression.expression] : []);
  if (receiverCalls.some((c) => CLEANUP.has(methodName(c) ?? '')) || isIntentionalWrapper(call)) return undefined;
  const handler = call.arguments[0]!;
  if (ts.isIdentifier(handler) || ts.isPropertyAccessExpression(handler)) {
    return /^(?:_\.|lodash\.)?noop$/.test(handler.getText()) ? 'The promise rejection is passed to a no-op and dropped.' : undefined;
  }
  if (!ts.isArrowFunction(handler) && !ts.isFunctionExpression(handler)) return undefined;
  const body = handler.body;
  if (ts.isBlock(body)) {
    if (explained(body)) return undefined;
    if (body.statements.length === 0) return 'The promise rejection is caught by an empty handler and dropped.';
    if (body.statements.length === 1 && isConsoleOnly(body.statements[0]!)) return 'The promise rejection is only printed with console.log and otherwise dropped.';
    return undefined;
  }
  const value = body.getText();
  if (/^(?:null|undefined|void 0)$/.test(value)) return `The promise rejection is turned into ${value === 'null' ? 'null' : 'undefined'}, hiding the failure from the caller.`;
  if (ts.isCallExpression(body) && CONSOLE_ONLY.test(calleeName(body))) return 'The promise rejection is only printed with console.log and otherwise dropped.';
  return undefined;
}

/** Process-wide last-chance events: a no-op listener on them silences every failure nobody else caught. */
const PROCESS_FAILURE_EVENTS = new Set(['unhandledRejection', 'uncaughtException']);

/** `process.on('unhandledRejection', () => {})`: every unhandled rejection in the program is dropped here. */
function swallowingProcessHandler(call: ts.CallExpression): string | undefined {
  if (!/^process\.(?:on|once|addListener|prependListener)$/.test(calleeName(call)) || call.arguments.length !== 2) return undefined;
  const event = stringValue(call.arguments[0]);
  if (!event || !PROCESS_FAILURE_EVENTS.has(event)) return undefined;
  const listener = call.arguments[1]!;
  const dropped = `Every ${event === 'uncaughtException' ? 'uncaught exception' : 'unhandled promise rejection'} in the process is handed to a no-op and dropped: failures anywhere vanish without a trace.`;
  if (ts.isIdentifier(listener) || ts.isPropertyAccessExpression(listener)) return /^(?:_\.|lodash\.)?noop$/.test(listener.getText()) ? dropped : undefined;
  if (!ts.isArrowFunction(listener) && !ts.isFunctionExpression(listener)) return undefined;
  const body = listener.body;
  if (ts.isBlock(body)) return body.statements.length === 0 && !explained(body) ? dropped : undefined;
  return /^(?:null|undefined|void 0)$/.test(body.getText()) ? dropped : undefined;
}

/** `while (…) { try { if (ok) return; } catch (e) { console.log(e) } }`: the loop retries, so the error is handled (retry-without-backoff judges the loop). */
function isRetryAttempt(attempt: ts.TryStatement): boolean {
  const loop = ts.isBlock(attempt.parent) ? attempt.parent.parent : attempt.parent;
  if (!ts.isIterationStatement(loop, false)) return false;
  const exits = findNodes(attempt.tryBlock, (n): n is ts.ReturnStatement | ts.BreakStatement => ts.isReturnStatement(n) || (ts.isBreakStatement(n) && !n.label));
  return exits.some((exit) => !enclosingFunction(exit) || enclosingFunction(exit) === enclosingFunction(attempt));
}

/** `catch (e) { return { ok: true } }`, `catch { return NextResponse.json({ received: true }) }`: a failure reported as a success. */
function reportsSuccess(clause: ts.CatchClause): ts.Node | undefined {
  if (findNodes(clause.block, ts.isThrowStatement).length > 0) return undefined;
  for (const ret of findNodes(clause.block, ts.isReturnStatement)) {
    if (enclosingFunction(ret) !== enclosingFunction(clause) || !ret.expression) continue;
    const call = ts.isCallExpression(ret.expression) ? ret.expression : undefined;
    const payload = call ? call.arguments[0] : ret.expression;
    const options = call?.arguments[1];
    if (options && /status\s*:\s*[45]\d\d/.test(options.getText())) continue;
    if (call && /\.status\(\s*[45]\d\d/.test(call.expression.getText())) continue;
    if (payload && ts.isObjectLiteralExpression(payload) && payload.properties.some((p) => ts.isPropertyAssignment(p) && /^(?:ok|success|received|acknowledged|processed)$/.test(p.name.getText()) && p.initializer.kind === ts.SyntaxKind.TrueKeyword)) return ret;
  }
  return undefined;
}

/** `.catch(() => undefined); // best-effort: the entry expires anyway`: the reason written after the statement. */
function trailingReason(call: ts.CallExpression): boolean {
  const sf = call.getSourceFile();
  const line = sf.getLineAndCharacterOfPosition(call.getEnd()).line;
  const rest = sf.text.slice(call.getEnd(), sf.getLineStarts()[line + 1] ?? sf.text.length);
  const comment = /\/\/(.*)$/.exec(rest.trim());
  return !!comment && comment[1]!.trim().split(/\s+/).length >= 3 && !/\b(?:todo|fixme)\b/i.test(comment[1]!);
}

function isCleanup(statement: ts.Statement): boolean {
  if (!ts.isExpressionStatement(statement)) return false;
  let expr = statement.expression;
  if (ts.isAwaitExpression(expr)) expr = expr.expression;
  return ts.isCallExpression(expr) && CLEANUP.has(methodName(expr) ?? '');
}

function isConsoleOnly(statement: ts.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression) && CONSOLE_ONLY.test(calleeName(statement.expression));
}

/** `trySomething()`, `safeParse()`, `maybeLoad()`: the name already says failure is an expected outcome. */
function isIntentionalWrapper(node: ts.Node): boolean {
  const fn = enclosingFunction(node);
  const name = fn?.name?.getText() ?? (fn && ts.isVariableDeclaration(fn.parent) ? fn.parent.name.getText() : '');
  return /^(?:try|safe|maybe|optional)[A-Z_]/.test(name);
}

/** A comment inside the block that says why ignoring is right: `// ignore: the file may not exist`. A bare `// TODO` or `// ignore` does not. */
function explained(block: ts.Block): boolean {
  const inner = block.getText().slice(1, -1);
  const comments = inner.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? [];
  return comments.some((comment) => {
    const text = comment.replace(/^\/\/|^\/\*|\*\/$/g, '').replace(/^\s*\*/gm, '').trim();
    if (/\b(?:todo|fixme|xxx|hack|later)\b/i.test(text)) return false;
    const words = text.split(/[\s:,.;-]+/).filter(Boolean);
    return words.length >= 3 || /\b(?:expected|intentional(?:ly)?|deliberate(?:ly)?|optional|best[- ]effort|already|ENOENT|safe)\b/i.test(text);
  });
}
