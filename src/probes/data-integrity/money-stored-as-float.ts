import { prismaModels } from '../support/prisma.js';
import { drizzleTables } from '../support/schema-drizzle.js';
import { sqlTables } from '../support/schema-sql.js';
import { sequelizeTables } from '../support/schema-sequelize.js';
import { typeormEntities } from '../support/schema-typeorm.js';
import { defineProbe, type Hit } from '../types.js';

/** Column names that hold an amount of money. Rates, ratios and percentages are fractions, not money. */
const MONEY = new Set(['price', 'amount', 'total', 'subtotal', 'cost', 'balance', 'fee', 'tax', 'vat', 'payout', 'refund', 'revenue', 'salary', 'wage', 'discount', 'tip', 'budget', 'spend', 'cents', 'money']);
const NOT_MONEY = new Set(['rate', 'ratio', 'percent', 'percentage', 'pct', 'factor', 'weight', 'score', 'count', 'qty', 'quantity', 'point', 'rating', 'hours', 'minutes', 'seconds', 'ms', 'time', 'distance', 'size', 'duration']);
const SQL_FLOAT = /^(?:REAL|FLOAT\d?|FLOAT\s*\(\s*\d+\s*\)|DOUBLE(?:\s+PRECISION)?)$/;
const ORM_FLOAT = /^(?:float\d?|double(?: precision)?|real)$/i;
/** Sequelize `DataTypes` that are binary floating point (`DECIMAL` is not). */
const SEQUELIZE_FLOAT = /^(?:FLOAT|DOUBLE|DOUBLE PRECISION|REAL)$/;

export default defineProbe({
  meta: {
    id: 'money-stored-as-float',
    title: 'Money stored as a floating-point number',
    category: 'Data Integrity',
    severity: 'HIGH',
    phase: 4,
    agent: 'reliability-auditor',
    cwe: 'CWE-681',
    confidence: 'high',
    description: 'A price, amount, total, balance or fee column is a binary floating-point type (SQL REAL/FLOAT/DOUBLE, Prisma Float, TypeORM float/double/real, Sequelize `DataTypes.FLOAT/DOUBLE/REAL` in models and sequelize-cli migrations, Drizzle `real`/`doublePrecision`/`double`/`float`) instead of an integer of minor units or a DECIMAL.',
    impact: 'Binary floats cannot represent most cent values exactly: sums drift by fractions of a cent, totals stop matching line items and payment providers, and reconciliation fails in ways that are hard to trace.',
    remediation: 'Store integer minor units (`amount_cents BIGINT`, Prisma `Int`) or a fixed-point type (`NUMERIC(12,2)`, Prisma `Decimal`, TypeORM `numeric` with precision and scale, Sequelize `DataTypes.DECIMAL(12, 2)` or `INTEGER`, Drizzle `numeric`/`decimal` or `integer`), and migrate the existing values.',
    effort: 'hours',
  },
  applies: (ctx) => prismaModels(ctx).length > 0 || sqlTables(ctx).length > 0 || typeormEntities(ctx).length > 0 || sequelizeTables(ctx).length > 0 || drizzleTables(ctx).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    const report = (file: Hit['file'], line: number, owner: string, field: string, type: string): void => {
      hits.push({ file, line, message: `${owner}.${field} holds money as ${type}: cent values are not exact in binary floating point.` });
    };
    for (const model of prismaModels(ctx)) {
      for (const f of model.fields) if (f.type === 'Float' && isMoney(f.name)) report(model.file, f.line, model.name, f.name, 'Float');
    }
    for (const table of sqlTables(ctx)) {
      for (const c of table.columns) if (SQL_FLOAT.test(c.type) && isMoney(c.name)) report(table.file, c.line, table.name, c.name, c.type);
    }
    for (const entity of typeormEntities(ctx)) {
      for (const p of entity.properties) if (p.kind === 'Column' && p.type && ORM_FLOAT.test(p.type) && isMoney(p.name)) report(entity.file, p.declarationLine, entity.name, p.name, `'${p.type}'`);
    }
    for (const table of sequelizeTables(ctx)) {
      for (const c of table.columns) if (SEQUELIZE_FLOAT.test(c.type) && isMoney(c.name)) report(table.file, c.line, table.name, c.name, `DataTypes.${c.type}`);
    }
    for (const table of drizzleTables(ctx)) {
      for (const c of table.columns) if (SQL_FLOAT.test(c.type) && isMoney(c.name)) report(table.file, c.line, table.name, c.name, c.type);
    }
    return hits;
  },
});

/** `totalAmount`, `unit_price` → true; `taxRate`, `price_ratio`, `rating` → false. */
function isMoney(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_]+/).map((w) => w.toLowerCase().replace(/s$/, ''));
  return words.some((w) => MONEY.has(w) || MONEY.has(`${w}s`)) && !words.some((w) => NOT_MONEY.has(w) || NOT_MONEY.has(`${w}s`));
}
