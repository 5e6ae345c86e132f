import { calleeName, endLineOf, lineOf, methodName, ts, enclosingFunction } from '../support/ast.js';
import { sourcesOf } from '../support/request-flow.js';
import { TaintScope } from '../support/taint.js';
import { defineProbe } from '../types.js';

/** Calls that run a SQL string as given. Tagged templates (`sql\`...\``, `$queryRaw\`...\``) are parameterised and not listed. */
const RAW_SQL_METHODS = new Set(['query', 'execute', 'raw', '$queryRawUnsafe', '$executeRawUnsafe', 'unsafe', 'exec', 'run', 'all', 'get', 'prepare', 'whereRaw', 'orderByRaw', 'havingRaw', 'joinRaw', 'fromRaw', 'selectRaw', 'orWhereRaw', 'andWhereRaw', 'orHavingRaw', 'groupByRaw', 'onRaw']);
const SQL_KEYWORD = /\b(select|insert|update|delete|from|where|order by|values)\b/i;
/** Knex/Objection fragment builders: their text is a clause (`${sort} ${dir}`), with no keyword of its own. */
const FRAGMENT_METHODS = new Set(['whereRaw', 'orWhereRaw', 'andWhereRaw', 'orderByRaw', 'havingRaw', 'orHavingRaw', 'joinRaw', 'fromRaw', 'selectRaw', 'groupByRaw', 'onRaw']);
/** Drizzle's (and Kysely's) `sql.raw(text)`: an unescaped fragment placed into a query (`.orderBy(sql.raw(...))`, `.where(sql.raw(...))`). */
const RAW_FRAGMENT_CALLEE = /^sql\.raw$/;

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
    description: 'A SQL statement, or a raw Knex/Objection clause (`whereRaw`, `orderByRaw`, `havingRaw`, `joinRaw`) or Drizzle/Kysely `sql.raw(...)` fragment, is concatenated or interpolated with request data and run as raw SQL.',
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
          if (!isFragmentBuilder(call) && !SQL_KEYWORD.test(first.getText())) return false;
          const fn = enclosingFunction(call);
          const scope = new TaintScope(fn);
          // A template is judged by its pieces: `${column}` picked from a fixed list is not input.
          if (ts.isTemplateExpression(first)) return first.templateSpans.some((span) => scope.mentions(span.expression) && !allowListed(span.expression, fn));
          return scope.mentions(first);
        })
        .map((call) => ({ file, ...sqlTextLines(call) })),
    );
  },
});

function isFragmentBuilder(call: ts.CallExpression): boolean {
  return FRAGMENT_METHODS.has(methodName(call) ?? '') || RAW_FRAGMENT_CALLEE.test(calleeName(call));
}

/** A string assembled at run time: template with substitutions, or `+` concatenation. */
function isBuiltString(node: ts.Expression): boolean {
  if (ts.isTemplateExpression(node)) return true;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
  return false;
}

/**
 * From the raw-SQL method's own line (`.orderByRaw(` deep in a Knex chain, not the chain's first line)
 * to the end of the SQL text, so a multi-line call covers the line where the input is spliced in.
 */
function sqlTextLines(call: ts.CallExpression): { line: number; endLine: number } {
  const method = ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call;
  return { line: lineOf(method), endLine: endLineOf(call.arguments[0]!) };
}

/** A local whose every assignment picks from fixed values: `LIST.includes(x) ? x : 'id'`, `d === 'asc' ? 'asc' : 'desc'`. */
function allowListed(node: ts.Expression, fn: ts.FunctionLikeDeclaration | undefined): boolean {
  if (!fn || !ts.isIdentifier(node)) return false;
  const sources = sourcesOf(node.text, fn);
  return sources.length > 0 && sources.every((source) => ts.isConditionalExpression(source) && picksFixedValue(source));
}

function picksFixedValue(choice: ts.ConditionalExpression): boolean {
  const checked = choice.condition.getText();
  // A branch is fixed when it is a literal, or the very value the condition tested against a list (`ALLOWED.includes(v) ? v : …`).
  const fixed = (branch: ts.Expression): boolean =>
    ts.isStringLiteralLike(branch) || ts.isNumericLiteral(branch) || (/\.(?:includes|has)\(/.test(checked) && checked.includes(`(${branch.getText()})`));
  return fixed(choice.whenTrue) && fixed(choice.whenFalse);
}
