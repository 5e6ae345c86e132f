import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { findNodes, isFunctionLike, lineOf, propertyOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const RESPONSE = /^(?:res|reply|response|resp|ctx\.res|this\.res)$/;
/** Parameters that hold an error: Express error middleware, `.catch((err) => ...)`, Fastify's setErrorHandler, Nest filters. */
const ERROR_PARAM = /^(?:e|err|error|ex|exc|exception|\w+Err(?:or)?)$/;
/** Error fields that carry internal text: driver messages, SQL, constraint names, request configs. */
const MESSAGE_FIELDS = /^(?:message|detail|details|sqlMessage|sql|query|meta|cause|response|config)$/;
/** Verbose errors only outside production, or only for errors marked safe to show (http-errors' `expose`). */
const GATED = /NODE_ENV|isDev|isProd|development|production|debug|expose|isOperational/i;
/** The error names error-details-in-response follows: a stack read through them is already reported there. */
const LEAK_PROBE_ERROR_NAME = /^(?:e|err|error|ex|exc|exception|cause)$/;
type Leak = { kind: 'stack' | 'object' | 'message'; node: ts.Node };

export default defineProbe({
  meta: {
    id: 'unhandled-error-response',
    title: 'Raw error sent to the client',
    category: 'UI/UX Safety',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-209',
    confidence: 'medium',
    description: 'A handler or error middleware sends a caught error object itself, or its message in a 5xx response (`res.status(500).json(err)`, `reply.send(error)`); a stack trace read from `err`/`error` is left to error-details-in-response.',
    impact: 'Users see stack traces and driver messages instead of a useful error, and attackers learn file paths, library versions, SQL, table and constraint names, and sometimes credentials from request configs.',
    remediation: 'Log the error server-side with a request id, and send a stable, generic body (`{ error: \'internal_error\', requestId }`); show a message only for errors you raised on purpose with text meant for users.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.isServer(),
  detect: (ctx) => ctx.scripts(['.json(', '.send(', '.end(']).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  for (const call of findNodes(ctx.ast(file), ts.isCallExpression)) {
    const send = responseSend(call);
    const payload = call.arguments[0];
    if (!send || !payload) continue;
    const errors = errorNames(call);
    const leak = errors.size > 0 ? leakIn(payload, errors) : undefined;
    // A response carrying a stack trace is reported once, as the information leak it is (error-details-in-response, Security).
    if (!leak || (leak.kind === 'stack' && LEAK_PROBE_ERROR_NAME.test(leak.node.getText().replace(/\.stack$/, '')))) continue;
    const code = send.status && ts.isNumericLiteral(send.status) ? Number(send.status.text) : undefined;
    const serverError = send.status !== undefined && findNodes(send.status, ts.isNumericLiteral).concat(ts.isNumericLiteral(send.status) ? [send.status] : []).some((n) => Number(n.text) >= 500);
    if (leak.kind === 'object' && code !== undefined && code < 500) continue;
    if (leak.kind === 'message' && !serverError) continue;
    const what = leak.kind === 'stack' ? 'the error’s stack trace' : leak.kind === 'object' ? 'the raw error object' : 'the internal error message';
    hits.push({ file, line: lineOf(call), message: `This response sends ${what} (${leak.node.getText().slice(0, 60)}) to the client.` });
  }
  return hits;
}

/** `res.status(500).json(x)`, `reply.code(500).send(x)`, `NextResponse.json(x, { status: 500 })`, and the status they set. */
function responseSend(call: ts.CallExpression): { status?: ts.Expression } | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  if (callee.name.text === 'json' && /^(?:NextResponse|Response)$/.test(callee.expression.getText())) {
    const options = call.arguments[1];
    return { status: options && ts.isObjectLiteralExpression(options) ? propertyOf(options, 'status') : undefined };
  }
  if (!['json', 'send', 'end'].includes(callee.name.text)) return undefined;
  let receiver = callee.expression;
  let status: ts.Expression | undefined;
  while (ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(receiver.expression) && /^(?:status|code)$/.test(receiver.expression.name.text)) {
    status ??= receiver.arguments[0];
    receiver = receiver.expression.expression;
  }
  return RESPONSE.test(receiver.getText()) ? { status } : undefined;
}

/** Catch variables of enclosing catch blocks and error-named parameters of enclosing functions. */
function errorNames(node: ts.Node): Set<string> {
  const names = new Set<string>();
  for (let up = node.parent; up; up = up.parent) {
    if (ts.isCatchClause(up) && up.variableDeclaration && ts.isIdentifier(up.variableDeclaration.name)) names.add(up.variableDeclaration.name.text);
    if (isFunctionLike(up)) for (const p of up.parameters) if (ts.isIdentifier(p.name) && ERROR_PARAM.test(p.name.text)) names.add(p.name.text);
  }
  return names;
}

/** The worst thing the payload exposes about an error: its stack, itself, or its message. */
function leakIn(payload: ts.Expression, errors: Set<string>): Leak | undefined {
  const leaks: Leak[] = [];
  for (const id of findNodes(payload, ts.isIdentifier).concat(ts.isIdentifier(payload) ? [payload] : [])) {
    if (!errors.has(id.text) || gated(id, payload)) continue;
    if ((ts.isPropertyAssignment(id.parent) || ts.isPropertyAccessExpression(id.parent)) && id.parent.name === id) continue;
    // `(error as Error).message` reads the message like `error.message` does.
    let at: ts.Node = id;
    while (ts.isParenthesizedExpression(at.parent) || ts.isAsExpression(at.parent) || ts.isNonNullExpression(at.parent)) at = at.parent;
    const parent = at.parent;
    if (at === payload) leaks.push({ kind: 'object', node: id });
    else if (ts.isPropertyAccessExpression(parent)) {
      if (parent.name.text === 'stack') leaks.push({ kind: 'stack', node: parent });
      else if (MESSAGE_FIELDS.test(parent.name.text) || parent.name.text === 'toString') leaks.push({ kind: 'message', node: parent });
    } else if (ts.isCallExpression(parent) || ts.isTemplateSpan(parent)) leaks.push({ kind: 'message', node: parent });
    else if (!ts.isBinaryExpression(parent)) leaks.push({ kind: 'object', node: id });
  }
  const rank = { stack: 0, object: 1, message: 2 };
  return leaks.sort((a, b) => rank[a.kind] - rank[b.kind])[0];
}

/** `NODE_ENV !== 'production' ? err.stack : undefined` and the like, between the error and the payload root. */
function gated(node: ts.Node, payload: ts.Node): boolean {
  for (let up = node.parent; up && up !== payload.parent; up = up.parent) {
    if (ts.isConditionalExpression(up) && GATED.test(up.condition.getText())) return true;
    if (ts.isBinaryExpression(up) && up.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && GATED.test(up.left.getText())) return true;
  }
  for (let up = payload.parent; up && !isFunctionLike(up); up = up.parent) if (ts.isIfStatement(up) && GATED.test(up.expression.getText())) return true;
  return false;
}
