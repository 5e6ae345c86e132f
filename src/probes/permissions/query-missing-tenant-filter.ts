import { enclosingFunction, lineOf, propertyOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const QUERY = /^(?:find|findBy|findOne|findOneBy|findOneOrFail|findOneByOrFail|findAndCount|findMany|findFirst|findUnique|count|update|updateMany|delete|deleteMany|softDelete)$/;
/** Keys that scope a row to one tenant. */
const TENANT = /^(?:org|organization|organisation|tenant|workspace|account|team|company)_?[iI]d$/;
/** Other foreign keys: scoping only by one of them trusts the client’s id. */
const FOREIGN = /^[a-z]\w*_?[iI]d$/;

interface Query {
  readonly call: ts.CallExpression;
  readonly keys: readonly string[];
}

export default defineProbe({
  meta: {
    id: 'query-missing-tenant-filter',
    title: 'Query scoped by a client-given id but not by tenant',
    category: 'Permissions',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-639',
    confidence: 'medium',
    description: 'A query filters a tenant-owned table only by another id (a customer or project id) although the other queries on the same table filter by the tenant (`orgId`, `tenantId`).',
    impact: 'A user of one organisation passes another organisation’s customer or project id and reads or changes that organisation’s records.',
    remediation: 'Add the caller’s tenant to the filter (`where: { customerId, orgId }`), or first load the parent record scoped to the tenant and query through it.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts([/orgId|tenantId|organizationId|workspaceId|accountId|teamId|companyId|org_id|tenant_id/]).length > 0,
  detect(ctx) {
    return ctx.scripts([/orgId|tenantId|organizationId|workspaceId|accountId|teamId|companyId|org_id|tenant_id/]).flatMap((file): Hit[] => {
      const byTable = new Map<string, Query[]>();
      for (const call of ctx.calls(file)) {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || !QUERY.test(callee.name.text)) continue;
        const keys = filterKeys(call);
        if (!keys) continue;
        const table = callee.expression.getText();
        byTable.set(table, [...(byTable.get(table) ?? []), { call, keys }]);
      }
      return [...byTable.values()].flatMap((queries): Hit[] => {
        const tenant = queries.flatMap((q) => q.keys).find((k) => TENANT.test(k));
        if (!tenant || queries.filter((q) => q.keys.includes(tenant)).length < 2) return [];
        return queries.flatMap((q): Hit[] => {
          const scopedBy = q.keys.find((k) => FOREIGN.test(k) && !TENANT.test(k));
          if (q.keys.includes(tenant) || !scopedBy) return [];
          // The method may have checked the parent against the tenant first.
          const fn = enclosingFunction(q.call);
          if (fn && new RegExp(`\\b${tenant}\\b`).test(fn.getText())) return [];
          return [{ file, line: lineOf(q.call), message: `This query on ${(q.call.expression as ts.PropertyAccessExpression).expression.getText()} filters by ${scopedBy} only, while the others filter by ${tenant}.` }];
        });
      });
    });
  },
});

/** Keys of the filter: `{ where: {...} }`, a TypeORM criteria object, or `findOneBy({...})`. */
function filterKeys(call: ts.CallExpression): string[] | undefined {
  const first = call.arguments[0];
  if (!first || !ts.isObjectLiteralExpression(first)) return undefined;
  const where = propertyOf(first, 'where');
  const filter = where && ts.isObjectLiteralExpression(where) ? where : where ? undefined : first;
  if (!filter) return undefined;
  const keys = filter.properties.map((p) => (ts.isSpreadAssignment(p) ? p.expression.getText() : (p.name?.getText() ?? '')));
  return keys;
}
