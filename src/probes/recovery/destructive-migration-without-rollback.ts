import type { SourceFile } from '../../repo/view.js';
import { findNodes, lineOf, methodName, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const MIGRATION_DIR = /(?:^|\/)migrations?\//i;
const DOWN_FILE = /(?:^|\/|[._-])(?:down|rollback|undo)\.sql$|(?:^|\/)U\d[\w.]*__[^/]*\.sql$|(?:^|\/)down\//i;
/** dbmate, sql-migrate and goose keep both directions in one file. */
const SECTION = /^[ \t]*--[ \t]*(?:migrate:(up|down)|\+(?:migrate|goose)[ \t]+(up|down))\b.*$/gim;
const DESTRUCTIVE = /\bdrop\s+table\s+(?:if\s+exists\s+)?([\w."`[\]]+)|\bdrop\s+column\s+(?:if\s+exists\s+)?([\w"`[\]]+)|\btruncate\s+(?:table\s+)?([\w."`[\]]+)|\bdelete\s+from\s+([\w."`[\]]+)([^;]*)/gi;
const DROP_CALLS = new Set(['dropTable', 'dropTableIfExists', 'dropColumn', 'dropColumns', 'removeColumn', 'truncate', 'dropSchema']);

export default defineProbe({
  meta: {
    id: 'destructive-migration-without-rollback',
    title: 'Destructive migration with no way back',
    category: 'Recovery',
    severity: 'CRITICAL',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'high',
    description: 'A migration drops a table or column, truncates a table or deletes every row, and has no down migration that restores it.',
    impact: 'Deploying it destroys data at once; if the release has to be rolled back, the schema and the data can only come back from a backup, if there is one.',
    remediation: 'Split it into expand/contract steps, write a down migration that recreates the table or column (and back up or copy the data first), and rehearse the rollback.',
    effort: 'days',
  },
  applies: (ctx) => ctx.files(['sql', 'typescript', 'javascript']).some((f) => MIGRATION_DIR.test(f.path)),
  detect(ctx) {
    const sql = ctx.files(['sql']).filter((f) => MIGRATION_DIR.test(f.path));
    const byPath = new Map(sql.map((f) => [f.path, f]));
    const scripts = ctx.scripts(['up']).filter((f) => MIGRATION_DIR.test(f.path));
    return [...sql.filter((f) => !DOWN_FILE.test(f.path)).flatMap((f) => sqlHits(f, byPath)), ...scripts.flatMap((f) => scriptHits(f, ctx.ast(f)))];
  },
});

function sqlHits(file: SourceFile, byPath: ReadonlyMap<string, SourceFile>): Hit[] {
  const text = mask(file.text);
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
  if (down !== undefined && /\w/.test(mask(down))) return [];
  return destructive(text.slice(upStart, upEnd), upStart).map(({ offset, what }) => ({
    file,
    line: file.lineAt(offset),
    message: `Migration ${what} and has no down migration to restore it${/(?:^|\/)prisma\/migrations\//.test(file.path) ? ' (Prisma has no down step: keep a down.sql beside it and a tested backup)' : ''}.`,
  }));
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

/** Destructive statements in SQL text, skipping tables the same migration creates or renames into place (table rebuilds). */
function destructive(sql: string, base: number): { offset: number; what: string }[] {
  const rebuilt = new Set([...sql.matchAll(/\b(?:create\s+table\s+(?:if\s+not\s+exists\s+)?|rename\s+to\s+)([\w."`[\]]+)/gi)].map((m) => bare(m[1]!)));
  const found: { offset: number; what: string }[] = [];
  for (const m of sql.matchAll(DESTRUCTIVE)) {
    const [, table, column, truncated, deleted, rest] = m;
    if (table && rebuilt.has(bare(table))) continue;
    if (deleted && /\bwhere\b/i.test(rest ?? '')) continue;
    const what = table ? `drops table ${bare(table)}` : column ? `drops column ${bare(column)}` : truncated ? `truncates ${bare(truncated)}` : `deletes every row of ${bare(deleted!)}`;
    found.push({ offset: base + m.index, what });
  }
  return found;
}

function bare(name: string): string {
  return name.replace(/["`[\]]/g, '').split('.').at(-1)!.toLowerCase();
}

/** Blanks comments, string literals and dollar-quoted bodies, keeping offsets and newlines. */
function mask(sql: string): string {
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|(\$\w*\$)[\s\S]*?\1/g, blank);
}

/** knex, Sequelize, TypeORM and node-pg-migrate: an `up` that destroys data and a `down` that is missing, empty or throws. */
function scriptHits(file: SourceFile, sf: ts.SourceFile): Hit[] {
  const up = migrationStep(sf, 'up');
  if (!up || isReversible(migrationStep(sf, 'down'))) return [];
  const created = new Set(findNodes(up, ts.isCallExpression).filter((c) => /^create(?:Table|Collection)$/.test(methodName(c) ?? '')).map((c) => stringValue(c.arguments[0])));
  const hits: Hit[] = [];
  for (const call of findNodes(up, ts.isCallExpression)) {
    const method = methodName(call) ?? '';
    const target = stringValue(call.arguments[0]);
    const named = call.arguments.slice(0, 2).map(stringValue).filter((a) => a !== undefined).map((a) => `'${a}'`).join(', ');
    const wipes = method === 'bulkDelete' && (!call.arguments[1] || /^(?:null|\{\s*\})$/.test(call.arguments[1].getText()));
    if ((DROP_CALLS.has(method) && !created.has(target)) || wipes) {
      hits.push({ file, line: lineOf(call), message: `Migration calls ${method}(${named}) in up with no working down to restore it.` });
    }
  }
  for (const literal of findNodes(up, (n): n is ts.StringLiteralLike | ts.TemplateExpression => ts.isStringLiteralLike(n) || ts.isTemplateExpression(n))) {
    const text = literal.getText();
    for (const { offset, what } of destructive(text, literal.getStart(sf))) {
      hits.push({ file, line: file.lineAt(offset), message: `Migration ${what} in up with no working down to restore it.` });
    }
  }
  return hits;
}

/** `export function up`, `exports.up =`, `up: async () => {}`, or a class method `async up(queryRunner)`. */
function migrationStep(sf: ts.SourceFile, name: 'up' | 'down'): ts.Node | undefined {
  for (const node of findNodes(sf, (_node): _node is ts.Node => true)) {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name?.getText() === name) return node;
    if (ts.isPropertyAssignment(node) && node.name.getText() === name) return node.initializer;
    if (ts.isVariableDeclaration(node) && node.name.getText() === name && node.initializer) return node.initializer;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^(?:module\.)?exports\.\w+$/.test(node.left.getText()) && node.left.getText().endsWith(`.${name}`)) return node.right;
  }
  return undefined;
}

/** A down step that does something: not missing, not `false`, not empty, not only a throw or a bare return. */
function isReversible(down: ts.Node | undefined): boolean {
  if (!down) return false;
  const body = ts.isFunctionDeclaration(down) || ts.isMethodDeclaration(down) || ts.isArrowFunction(down) || ts.isFunctionExpression(down) ? down.body : undefined;
  if (!body) return false;
  if (!ts.isBlock(body)) return !/^(?:undefined|null|Promise\.resolve\(\))$/.test(body.getText());
  return body.statements.some((s) => !ts.isThrowStatement(s) && !(ts.isReturnStatement(s) && (!s.expression || /^(?:undefined|null|Promise\.resolve\(\))$/.test(s.expression.getText()))));
}
