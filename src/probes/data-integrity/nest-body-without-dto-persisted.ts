import { findNodes, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const WRITES = /^(?:save|insert|create|update|upsert|merge|preload|insertOne|updateOne|findOneAndUpdate|createQueryBuilder)$/;
/** Types ValidationPipe cannot check: it validates class instances only. */
const UNCHECKED_TYPE = /^(?:any|unknown|object|Object|Record<.*>|\{.*\})$/s;

export default defineProbe({
  meta: {
    id: 'nest-body-without-dto-persisted',
    title: 'Unvalidated NestJS body written to the database',
    category: 'Data Integrity',
    severity: 'HIGH',
    phase: 4,
    agent: 'code-auditor',
    cwe: 'CWE-20',
    confidence: 'high',
    description: 'A NestJS handler takes `@Body()` typed any, unknown, object, a Record or an inline type — which ValidationPipe cannot validate — and passes it (or a spread of it) straight to a repository or model write.',
    impact: 'Whatever the client sends is stored: wrong types, missing required fields, oversized strings and extra columns (ids, tenant ids, balances) land in the table and break invariants the rest of the code relies on.',
    remediation: 'Type the body with a class DTO decorated with class-validator rules, enable `ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })`, and map the DTO’s fields onto the entity explicitly.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().some((r) => r.framework === 'nestjs'),
  detect(ctx) {
    const hits: Hit[] = [];
    for (const route of ctx.routes()) {
      if (route.framework !== 'nestjs' || !route.handler?.body) continue;
      const bodies = route.handler.parameters
        .filter((p) => /^@Body\(\s*\)/.test(p.getText()) && ts.isIdentifier(p.name) && (!p.type || UNCHECKED_TYPE.test(p.type.getText())))
        .map((p) => p.name.getText());
      if (bodies.length === 0) continue;
      for (const call of findNodes(route.handler.body, ts.isCallExpression)) {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || !WRITES.test(callee.name.text)) continue;
        const passed = call.arguments.some((a) => bodies.includes(a.getText()) || (ts.isObjectLiteralExpression(a) && a.properties.some((p) => ts.isSpreadAssignment(p) && bodies.includes(p.expression.getText()))));
        if (passed) hits.push({ file: route.file, line: lineOf(call), message: `The request body reaches ${callee.getText()}() unvalidated: its @Body() type gives ValidationPipe nothing to check.` });
      }
    }
    return hits;
  },
});
