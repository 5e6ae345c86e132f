import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';

/** A field line of a Prisma model: `price  Decimal?  @db.Decimal(10, 2)`. */
export interface PrismaField {
  readonly name: string;
  /** The type without its modifiers: `Decimal`, `User`, `String`. */
  readonly type: string;
  readonly list: boolean;
  readonly optional: boolean;
  /** Everything after the type, comments removed. */
  readonly attributes: string;
  readonly line: number;
  /** `@relation(...)` arguments, when the field has one. */
  readonly relation?: PrismaRelation;
}

export interface PrismaRelation {
  readonly fields: readonly string[];
  readonly references: readonly string[];
  /** `Cascade`, `Restrict`, `SetNull`, `NoAction`, `SetDefault`, or undefined when not written. */
  readonly onDelete?: string;
}

export interface PrismaModel {
  readonly file: SourceFile;
  readonly name: string;
  readonly line: number;
  readonly fields: readonly PrismaField[];
  /** Column lists of `@@index`. */
  readonly indexes: readonly (readonly string[])[];
  /** Column lists of `@@unique`, `@@id`, and single-field `@unique` / `@id`. */
  readonly uniques: readonly (readonly string[])[];
}

const cache = new WeakMap<ProbeContext, PrismaModel[]>();

/** Every model of every `.prisma` file the target ships, parsed once per audit. */
export function prismaModels(ctx: ProbeContext): readonly PrismaModel[] {
  let models = cache.get(ctx);
  if (!models) {
    models = ctx.files(['prisma']).flatMap(parsePrismaSchema);
    cache.set(ctx, models);
  }
  return models;
}

/** The `datasource` blocks of the target's schemas, joined: what provider and relation mode they use. */
export function prismaDatasources(ctx: ProbeContext): string {
  return ctx.files(['prisma']).map((file) => /datasource\s+\w+\s*\{[^}]*\}/.exec(file.text)?.[0] ?? '').join('\n');
}

export function parsePrismaSchema(file: SourceFile): PrismaModel[] {
  const models: PrismaModel[] = [];
  let current: { name: string; line: number; fields: PrismaField[]; indexes: string[][]; uniques: string[][] } | undefined;
  file.lines.forEach((raw, index) => {
    const line = stripComment(raw);
    const open = /^\s*model\s+(\w+)\s*\{/.exec(line);
    if (open) {
      current = { name: open[1]!, line: index + 1, fields: [], indexes: [], uniques: [] };
      return;
    }
    if (!current) return;
    if (/^\s*\}/.test(line)) {
      models.push({ file, ...current });
      current = undefined;
      return;
    }
    const block = /^\s*@@(index|unique|id)\s*\(\s*(?:fields\s*:\s*)?\[([^\]]*)\]/.exec(line);
    if (block) {
      const columns = block[2]!.split(',').map((column) => column.replace(/\(.*$/, '').trim()).filter(Boolean);
      (block[1] === 'index' ? current.indexes : current.uniques).push(columns);
      return;
    }
    const field = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
    if (!field) return;
    const attributes = field[5]!.trim();
    current.fields.push({ name: field[1]!, type: field[2]!, list: !!field[3], optional: !!field[4], attributes, line: index + 1, relation: relationOf(attributes) });
    if (/@(?:id|unique)\b/.test(attributes)) current.uniques.push([field[1]!]);
  });
  return models;
}

function relationOf(attributes: string): PrismaRelation | undefined {
  const args = /@relation\(([^)]*)\)/.exec(attributes)?.[1];
  if (args === undefined) return undefined;
  const list = (key: string): string[] => new RegExp(`\\b${key}\\s*:\\s*\\[([^\\]]*)\\]`).exec(args)?.[1]?.split(',').map((k) => k.trim()).filter(Boolean) ?? [];
  return { fields: list('fields'), references: list('references'), onDelete: /\bonDelete\s*:\s*(\w+)/.exec(args)?.[1] };
}

/** True when some unique constraint of the model is exactly these columns, or a subset of them. */
export function isUniqueOn(model: Pick<PrismaModel, 'uniques'>, columns: readonly string[]): boolean {
  return model.uniques.some((unique) => unique.length > 0 && unique.every((c) => columns.includes(c)));
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
