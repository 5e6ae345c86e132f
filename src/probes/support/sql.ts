import type { SourceFile } from '../../repo/view.js';

/** One SQL statement of a file: its text (comments blanked) and where it starts. */
export interface SqlStatement {
  readonly text: string;
  readonly offset: number;
}

/** A column definition inside CREATE TABLE: name, the rest of its definition, where it starts. */
export interface SqlColumn {
  readonly table: string;
  readonly name: string;
  readonly definition: string;
  readonly offset: number;
}

export const MIGRATION_PATH = /(?:^|\/)(?:migrations?|migrate|db\/schema|schema)\/|(?:^|\/)schema\.sql$/i;
const DOWN_MARKER = /^[ \t]*--[ \t]*(?:migrate:down|\+(?:migrate|goose)[ \t]+down)\b/im;

/** Files that hold only a down step, by the usual naming conventions (golang-migrate, Flyway undo, down/ folders). */
export const DOWN_FILE = /(?:^|\/|[._-])(?:down|rollback|undo)\.sql$|(?:^|\/)U\d[\w.]*__[^/]*\.sql$|(?:^|\/)down\//i;

/**
 * Blanks comments, string contents and dollar-quoted bodies (keeping offsets and line breaks) so keywords
 * and semicolons inside them do not count; `keepStrings` leaves single-quoted literals as they are.
 */
export function maskSql(text: string, keepStrings = false): string {
  const blank = (m: string): string => m.replace(/[^\n]/g, ' ');
  return text.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|(\$\w*\$)[\s\S]*?\1/g, (m) =>
    !m.startsWith("'") ? blank(m) : keepStrings ? m : `'${blank(m.slice(1, -1))}'`,
  );
}

/** The statements of the up part of a migration (a dbmate/goose down section, or a whole down file, is left out). */
export function upStatements(file: SourceFile): SqlStatement[] {
  if (DOWN_FILE.test(file.path)) return [];
  const down = DOWN_MARKER.exec(file.text);
  const text = maskSql(down ? file.text.slice(0, down.index) : file.text, true);
  const statements: SqlStatement[] = [];
  let start = 0;
  for (const match of text.matchAll(/;|$(?![\s\S])/g)) {
    const raw = text.slice(start, match.index);
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim()) statements.push({ text: raw.trim(), offset: start + lead });
    start = match.index + 1;
  }
  return statements;
}

/** Unquoted, lower-cased identifier: `"public"."Orders"` → `orders` (the schema is dropped). */
export function sqlName(raw: string): string {
  return (raw.split('.').at(-1) ?? raw).replace(/["`[\]]/g, '').toLowerCase();
}

/** Tables a set of statements creates. */
export function createdTables(statements: readonly SqlStatement[]): Set<string> {
  const names = statements.map((s) => /^create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w."`[\]]+)/i.exec(s.text)?.[1]);
  return new Set(names.filter((n): n is string => !!n).map(sqlName));
}

/** Column definitions of each CREATE TABLE statement (table constraints are left out). */
export function tableColumns(statement: SqlStatement): SqlColumn[] {
  const head = /^create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w."`[\]]+)\s*\(/i.exec(statement.text);
  if (!head) return [];
  const table = sqlName(head[1]!);
  const columns: SqlColumn[] = [];
  let depth = 0;
  let start = head[0].length;
  const body = statement.text;
  for (let i = start; i <= body.length; i++) {
    const ch = body[i];
    if (ch === '(') depth++;
    else if ((ch === ')' && depth === 0) || (ch === ',' && depth === 0) || i === body.length) {
      const part = body.slice(start, i);
      const lead = part.length - part.trimStart().length;
      const match = /^([\w"`[\]]+)\s+([\s\S]*)$/.exec(part.trim());
      if (match && !/^(?:constraint|primary|foreign|unique|check|exclude|index|key)$/i.test(match[1]!)) {
        columns.push({ table, name: sqlName(match[1]!), definition: match[2]!, offset: statement.offset + start + lead });
      }
      if (ch === ')') break;
      start = i + 1;
    } else if (ch === ')') depth--;
  }
  return columns;
}
