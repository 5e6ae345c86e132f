import { expressionName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Any of these anywhere in the code or schema means the project already has a soft-delete convention. */
const SOFT_DELETE = /\b(?:deletedAt|deleted_at|isDeleted|is_deleted|archivedAt|archived_at|discardedAt|discarded_at|trashedAt|DeleteDateColumn|softDelete|softRemove|soft_delete|mongoose-delete)\b|\bparanoid\s*:\s*true/;
/** Rows that are meant to be removed for good: credentials, toggles, caches and join rows. */
const DISPOSABLE = /session|token|otp|nonce|verification|cache|lock|like|reaction|follow|bookmark|favou?rite|star|vote|cart|notification|invit|device|push|subscription|webhook|api_?key|attempt|temp|tmp|membership|logout/i;
const MONGOOSE_DELETES = new Set(['deleteOne', 'findByIdAndDelete', 'findOneAndDelete', 'findByIdAndRemove', 'findOneAndRemove']);

export default defineProbe({
  meta: {
    id: 'hard-delete-without-soft-delete',
    title: 'Delete endpoint destroys data for good',
    category: 'Human Error',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A DELETE route permanently deletes rows (Prisma delete, TypeORM delete/remove, Sequelize destroy, Mongoose deleteOne, SQL DELETE FROM) and the data model has no soft-delete column anywhere.',
    impact: 'A mistaken click, a buggy client or a compromised account erases user data that support cannot restore short of a full database restore, which also rolls back everyone else’s changes.',
    remediation: 'Add a deletedAt (or archivedAt) column, set it in the DELETE handler, filter it out of reads, and purge old soft-deleted rows on a schedule that matches your retention policy.',
    effort: 'days',
  },
  applies: (ctx) => ctx.routes().some((route) => route.method === 'DELETE'),
  detect(ctx) {
    const models = ctx.view.files.filter((f) => f.language === 'prisma' || f.language === 'sql' || f.language === 'typescript' || f.language === 'javascript');
    if (models.some((file) => SOFT_DELETE.test(file.text))) return [];
    const hits: Hit[] = [];
    for (const route of ctx.routes()) {
      if (route.method !== 'DELETE' || !route.handler?.body || DISPOSABLE.test(route.path)) continue;
      const found = findNodes(route.handler.body, (n): n is ts.Node => ts.isCallExpression(n) || isSqlText(n))
        .map((node) => ({ node, entity: ts.isCallExpression(node) ? deletedEntity(node) : /^\s*delete\s+from\s+["`]?([\w.]+)/i.exec(sqlText(node))?.[1] }))
        .find((candidate): candidate is { node: ts.Node; entity: string } => candidate.entity !== undefined && !DISPOSABLE.test(candidate.entity));
      if (!found) continue;
      hits.push({ file: route.file, line: lineOf(found.node), message: `DELETE ${route.path} permanently deletes ${found.entity.replace(/Repo(?:sitory)?$/i, '')} rows, and nothing in the data model supports soft deletion: a mistaken delete cannot be undone.` });
    }
    return hits;
  },
});

/** The entity a call deletes for good, or undefined when the call is not an ORM hard delete (Map.delete, session.destroy). */
function deletedEntity(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = expressionName(callee.expression);
  const repositoryOf = ts.isCallExpression(callee.expression) && /getRepository$/.test(expressionName(callee.expression.expression));
  const last = repositoryOf ? ((callee.expression as ts.CallExpression).arguments[0]?.getText() ?? '') : (receiver.split('.').at(-1) ?? '');
  const first = call.arguments[0];
  const hasWhere = !!first && ts.isObjectLiteralExpression(first) && propertyOf(first, 'where') !== undefined;
  const isModel = /^[A-Z][A-Za-z0-9]*$/.test(last);
  const isRepository = repositoryOf || /(?:repo|repository|manager|^em)$/i.test(last);
  if (method === 'delete' || method === 'deleteMany') {
    if (hasWhere || isModel || isRepository) return last;
    return first ? undefined : knexTable(callee.expression);
  }
  if (method === 'remove') return isRepository ? last : undefined;
  if (method === 'destroy') return hasWhere || isModel ? last : undefined;
  if (method === 'del') return first ? undefined : knexTable(callee.expression);
  if (MONGOOSE_DELETES.has(method)) return isModel || /collection|model/i.test(receiver) ? last : undefined;
  return undefined;
}

/** `knex('posts').where(...)` or `supabase.from('posts')` → "posts": the table a query-builder chain starts from. */
function knexTable(expr: ts.Expression): string | undefined {
  let node = expr;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    if (node.expression.name.text === 'from' && stringValue(node.arguments[0])) return stringValue(node.arguments[0]);
    node = node.expression.expression;
  }
  return ts.isCallExpression(node) && ts.isIdentifier(node.expression) ? stringValue(node.arguments[0]) : undefined;
}

function isSqlText(node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
}

function sqlText(node: ts.Node): string {
  if (ts.isTemplateExpression(node)) return node.head.text;
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : '';
}
