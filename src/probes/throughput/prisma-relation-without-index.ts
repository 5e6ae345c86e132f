import { prismaDatasources, prismaModels, type PrismaModel } from '../support/prisma.js';
import { defineProbe, type Hit } from '../types.js';

export default defineProbe({
  meta: {
    id: 'prisma-relation-without-index',
    title: 'Foreign key without an index',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'high',
    description: 'A Prisma relation’s foreign-key field is not the leading column of any @@index, @@unique, @@id, @unique or @id.',
    impact: 'Loading a parent’s children (and every cascade or restrict check when a parent is deleted) scans the whole child table, which gets slower with every row and locks more as it grows.',
    remediation: 'Add `@@index([foreignKeyField])` to the model (or make it the first column of an existing composite index) and ship it in a migration.',
    effort: 'hours',
  },
  applies: (ctx) => prismaModels(ctx).some((model) => model.fields.some((field) => (field.relation?.fields.length ?? 0) > 0)),
  detect(ctx) {
    const datasource = prismaDatasources(ctx);
    // MySQL's InnoDB indexes every foreign key itself, unless Prisma emulates relations and creates no keys.
    if (/provider\s*=\s*"mysql"/.test(datasource) && !/(?:relationMode|referentialIntegrity)\s*=\s*"prisma"/.test(datasource)) return [];
    return prismaModels(ctx).flatMap(unindexed);
  },
});

function unindexed(model: PrismaModel): Hit[] {
  const hits: Hit[] = [];
  const indexes = [...model.indexes, ...model.uniques];
  for (const field of model.fields) {
    const keys = field.relation?.fields;
    if (!keys?.length) continue;
    const covered = indexes.some((columns) => keys.every((key) => columns.slice(0, keys.length).includes(key)));
    if (covered) continue;
    hits.push({ file: model.file, line: field.line, message: `${model.name}.${keys.join(', ')} (relation ${field.name}) has no index that starts with it, so lookups and deletes through this relation scan ${model.name}.` });
  }
  return hits;
}
