import type { SourceFile } from '../../repo/view.js';
import { findNodes, ts } from './ast.js';
import { maskSql } from './sql.js';

export const MIGRATION_DIR = /(?:^|\/)migrations?\//i;
/** dbmate, sql-migrate and goose keep both directions in one file. */
const SECTION = /^[ \t]*--[ \t]*(?:migrate:(up|down)|\+(?:migrate|goose)[ \t]+(up|down))\b.*$/gim;

/** The up part of a SQL migration (offsets into the file) and its down text, from markers or a paired down file. */
export interface SqlMigration {
  readonly upStart: number;
  readonly upEnd: number;
  /** Masked up text, offsets kept: comments and string literals blanked. */
  readonly up: string;
  /** The down step's text, undefined when the migration has none. */
  readonly down: string | undefined;
}

export function sqlMigration(file: SourceFile, byPath: ReadonlyMap<string, SourceFile>): SqlMigration {
  const text = maskSql(file.text);
  let [upStart, upEnd] = [0, text.length];
  let down: string | undefined;
  const markers = [...file.text.matchAll(SECTION)].map((m) => ({ at: m.index, end: m.index + m[0].length, up: (m[1] ?? m[2])!.toLowerCase() === 'up' }));
  if (markers.length > 0) {
    const up = markers.find((m) => m.up);
    const after = markers.find((m) => !m.up && (!up || m.at > up.at));
    upStart = up?.end ?? 0;
    upEnd = after?.at ?? text.length;
    down = after ? text.slice(after.end, markers.find((m) => m.at > after.at)?.at ?? text.length) : undefined;
  } else down = counterpart(file.path, byPath);
  return { upStart, upEnd, up: text.slice(upStart, upEnd), down: down !== undefined && /\w/.test(maskSql(down)) ? maskSql(down) : undefined };
}

/** The down file paired with an up file by the usual naming conventions. */
function counterpart(path: string, byPath: ReadonlyMap<string, SourceFile>): string | undefined {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const version = /(?:^|\/)V(\d[\w.]*?)__[^/]*$/.exec(path)?.[1];
  const candidates = [
    path.replace(/([._-])up\.sql$/i, '$1down.sql'),
    path.replace(/\.sql$/i, '.down.sql'),
    path.replace(/\.sql$/i, '_down.sql'),
    path.replace(/\/up\//i, '/down/'),
    `${dir}down.sql`,
  ];
  const found = candidates.find((c) => c !== path && byPath.has(c));
  if (found) return byPath.get(found)!.text;
  if (version) return [...byPath.values()].find((f) => f.path.startsWith(dir) && f.path.slice(dir.length).startsWith(`U${version}__`))?.text;
  return undefined;
}

/** Whether a down step's text names `name` (it recreates, re-adds or renames back what up took away). */
export function downMentions(down: string, name: string): boolean {
  return new RegExp(`(?:^|[^\\w$])${name.replace(/[$]/g, '\\$')}(?![\\w$])`, 'i').test(down);
}

/** `export function up`, `exports.up =`, `up: async () => {}`, or a class method `async up(queryRunner)`. */
export function migrationStep(sf: ts.SourceFile, name: 'up' | 'down'): ts.Node | undefined {
  for (const node of findNodes(sf, (_node): _node is ts.Node => true)) {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name?.getText() === name) return node;
    if (ts.isPropertyAssignment(node) && node.name.getText() === name) return node.initializer;
    if (ts.isVariableDeclaration(node) && node.name.getText() === name && node.initializer) return node.initializer;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^(?:module\.)?exports\.\w+$/.test(node.left.getText()) && node.left.getText().endsWith(`.${name}`)) return node.right;
  }
  return undefined;
}

/** A down step that does something: not missing, not `false`, not empty, not only a throw or a bare return. */
export function isReversible(down: ts.Node | undefined): boolean {
  if (!down) return false;
  const body = ts.isFunctionDeclaration(down) || ts.isMethodDeclaration(down) || ts.isArrowFunction(down) || ts.isFunctionExpression(down) ? down.body : undefined;
  if (!body) return false;
  if (!ts.isBlock(body)) return !/^(?:undefined|null|Promise\.resolve\(\))$/.test(body.getText());
  return body.statements.some((s) => !ts.isThrowStatement(s) && !(ts.isReturnStatement(s) && (!s.expression || /^(?:undefined|null|Promise\.resolve\(\))$/.test(s.expression.getText()))));
}
