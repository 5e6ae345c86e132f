import { calleeName, lineOf, methodName, ts, enclosingFunction } from '../support/ast.js';
import { TaintScope } from '../support/taint.js';
import { defineProbe } from '../types.js';

/** Calls that run a SQL string as given. Tagged templates (`sql\`...\``, `$queryRaw\`...\``) are parameterised and not listed. */
const RAW_SQL_METHODS = new Set(['query', 'execute', 'raw', '$queryRawUnsafe', '$executeRawUnsafe', 'unsafe', 'exec', 'run', 'all', 'get', 'prepare', 'whereRaw', 'orderByRaw', 'havingRaw', 'joinRaw', 'fromRaw', 'selectRaw', 'orWhereRaw', 'andWhereRaw', 'orHavingRaw', 'groupByRaw', 'onRaw']);
const SQL_KEYWORD = /\b(select|insert|update|delete|from|where|order by|values)\b/i;
/** Knex/Objection fragment builders: their text is a clause (`${sort} ${dir}`), with no keyword of its own. */
const FRAGMENT_METHODS = new Set(['whereRaw', 'orWhereRaw', 'andWhereRaw', 'orderByRaw', 'havingRaw', 'orHavingRaw', 'joinRaw', 'fromRaw', 'selectRaw', 'groupByRaw', 'onRaw']);

export default defineProbe({
  meta: {
    id: 'sql-string-concat',
    title: 'SQL built from request data',
    category: 'Security',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-89',
    confidence: 'high',
    description: 'A SQL statement, or a raw Knex/Objection clause (`whereRaw`, `orderByRaw`, `havingRaw`, `joinRaw`), is concatenated or interpolated with request data and run as raw SQL.',
    impact: 'An attacker can read, change or delete any data the database user can reach (SQL injection).',
    remediation: 'Pass values as bound parameters ($1 / ? placeholders) or use the ORM’s tagged-template API; never splice input into SQL text.',
    effort: 'hours',
  },
  scope: 'file',
  detect(ctx) {
    return ctx.scripts(['query', 'execute', 'raw', 'Raw', 'Unsafe', 'prepare', 'exec']).flatMap((file) =>
      ctx.calls(file)
        .filter((call) => RAW_SQL_METHODS.has(methodName(call) ?? '') && !calleeName(call).startsWith('res.'))
        .filter((call) => {
          const first = call.arguments[0];
          if (!first || !isBuiltString(first)) return false;
          if (!FRAGMENT_METHODS.has(methodName(call) ?? '') && !SQL_KEYWORD.test(first.getText())) return false;
          return new TaintScope(enclosingFunction(call)).mentions(first);
        })
        .map((call) => ({ file, line: lineOf(call) })),
    );
  },
});

/** A string assembled at run time: template with substitutions, or `+` concatenation. */
function isBuiltString(node: ts.Expression): boolean {
  if (ts.isTemplateExpression(node)) return true;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
  return false;
}
