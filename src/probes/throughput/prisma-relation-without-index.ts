import type { SourceFile } from '../../repo/view.js';
import { defineProbe, type Hit } from '../types.js';

interface Field {
  readonly name: string;
  readonly attributes: string;
  readonly line: number;
}

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
  applies: (ctx) => ctx.files(['prisma']).some((file) => /@relation\([^)]*fields\s*:/.test(file.text)),
  detect(ctx) {
    const schemas = ctx.files(['prisma']);
    const datasource = schemas.map((file) => /datasource\s+\w+\s*\{[^}]*\}/.exec(file.text)?.[0] ?? '').join('\n');
    // MySQL's InnoDB indexes every foreign key itself, unless Prisma emulates relations and creates no keys.
    if (/provider\s*=\s*"mysql"/.test(datasource) && !/(?:relationMode|referentialIntegrity)\s*=\s*"prisma"/.test(datasource)) return [];
    return schemas.flatMap((file) => modelsOf(file).flatMap(({ name, fields, indexes }) => unindexed(file, name, fields, indexes)));
  },
});

function unindexed(file: SourceFile, model: string, fields: Field[], indexes: string[][]): Hit[] {
  const hits: Hit[] = [];
  for (const field of fields) {
    const keys = /@relation\([^)]*\bfields\s*:\s*\[([^\]]*)\]/.exec(field.attributes)?.[1]?.split(',').map((k) => k.trim()).filter(Boolean);
    if (!keys?.length) continue;
    const covered = indexes.some((columns) => keys.every((key) => columns.slice(0, keys.length).includes(key)));
    if (covered) continue;
    hits.push({ file, line: field.line, message: `${model}.${keys.join(', ')} (relation ${field.name}) has no index that starts with it, so lookups and deletes through this relation scan ${model}.` });
  }
  return hits;
}

/** Each model's fields and the column lists of its indexes, unique constraints and primary keys. */
function modelsOf(file: SourceFile): { name: string; fields: Field[]; indexes: string[][] }[] {
  const models: { name: string; fields: Field[]; indexes: string[][] }[] = [];
  let current: (typeof models)[number] | undefined;
  file.lines.forEach((raw, index) => {
    const line = stripComment(raw);
    const open = /^\s*model\s+(\w+)\s*\{/.exec(line);
    if (open) {
      current = { name: open[1]!, fields: [], indexes: [] };
      models.push(current);
      return;
    }
    if (!current) return;
    if (/^\s*\}/.test(line)) {
      current = undefined;
      return;
    }
    const block = /^\s*@@(?:index|unique|id)\s*\(\s*(?:fields\s*:\s*)?\[([^\]]*)\]/.exec(line);
    if (block) current.indexes.push(block[1]!.split(',').map((column) => column.replace(/\(.*$/, '').trim()));
    const field = /^\s*(\w+)\s+\w+(?:\[\])?\??\s*(.*)$/.exec(line);
    if (!field) return;
    current.fields.push({ name: field[1]!, attributes: field[2]!, line: index + 1 });
    if (/@(?:id|unique)\b/.test(field[2]!)) current.indexes.push([field[1]!]);
  });
  return models;
}

/** Drops a `//` comment that is not inside a string. */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && line[i] === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}
