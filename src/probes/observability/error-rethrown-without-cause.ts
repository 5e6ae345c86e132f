import { findNodes, isFunctionLike, lineOf, ts } from '../support/ast.js';
import { isLogCall } from '../support/error-handlers.js';
import { defineProbe, type Hit } from '../types.js';

/** HTTP exceptions turn a failure into an answer for the client on purpose; their callers log, not the cause chain. */
const HTTP_ERROR = /Http|(?:BadRequest|Unauthorized|Forbidden|NotFound|Conflict|Gone|UnprocessableEntity|TooManyRequests)(?:Exception|Error)$|^(?:createError|httpErrors)$/;

export default defineProbe({
  meta: {
    id: 'error-rethrown-without-cause',
    title: 'Caught error replaced without its cause',
    category: 'Observability',
    severity: 'LOW',
    phase: 7,
    agent: 'ops-auditor',
    cwe: 'CWE-755',
    confidence: 'medium',
    description: 'A catch block throws a new Error that neither carries the caught error (`{ cause: err }`, its message) nor follows a log of it, so the original failure disappears.',
    impact: 'The log shows "reminder failed" with a stack pointing at the catch block, while the real reason (a timeout, a 422 from the provider, a constraint violation) is gone: every incident starts with reproducing it.',
    remediation: 'Chain the original: `throw new Error(\'reminder failed\', { cause: err })` (Node 16.9+), or log the caught error before replacing it.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(['catch']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts(['catch'])) {
      if (ctx.isFrontEnd(file)) continue;
      for (const clause of ctx.nodesOf<ts.CatchClause>(file, ts.SyntaxKind.CatchClause)) {
        const caught = clause.variableDeclaration?.name;
        if (!caught || !ts.isIdentifier(caught)) continue; // `catch {}` chose not to look at the error
        const mentions = (node: ts.Node): boolean => findNodes(node, ts.isIdentifier).some((id) => id.text === caught.text);
        // Logged before replacing: the original is in the logs, next to the new one.
        if (findNodes(clause.block, ts.isCallExpression).some((call) => isLogCall(call) && call.arguments.some((a) => ts.isIdentifier(a) ? a.text === caught.text : mentions(a)))) continue;
        for (const thrown of findNodes(clause.block, ts.isThrowStatement)) {
          if (insideNestedFunction(thrown, clause)) continue;
          const created = thrown.expression;
          if (!created || !ts.isNewExpression(created) || !/Error$|Exception$/.test(created.expression.getText()) || HTTP_ERROR.test(created.expression.getText())) continue;
          if (mentions(created)) continue;
          hits.push({ file, line: lineOf(thrown), message: `new ${created.expression.getText()}(…) replaces the caught ${caught.text} without { cause: ${caught.text} }: the original failure is lost.` });
        }
      }
    }
    return hits;
  },
});

function insideNestedFunction(node: ts.Node, stop: ts.Node): boolean {
  for (let up = node.parent; up && up !== stop; up = up.parent) if (isFunctionLike(up)) return true;
  return false;
}
