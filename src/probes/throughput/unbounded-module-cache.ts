import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { enclosingFunction, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Anything that removes entries or looks at the size is a bound of some kind. */
const SHRINKS = new Set(['delete', 'clear', 'shift', 'pop', 'splice']);

export default defineProbe({
  meta: {
    id: 'unbounded-module-cache',
    title: 'In-memory cache that only grows',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-401',
    confidence: 'medium',
    description: 'A module-level `Map` or `Set` gets entries added at run time (inside functions) and never has any removed, evicted or size-checked.',
    impact: 'The process keeps every key it has ever seen: memory grows with traffic until the container is OOM-killed, and garbage-collection pauses lengthen on the way there.',
    remediation: 'Use a bounded cache (`lru-cache` with `max` and `ttl`) or an external cache (Redis with an expiry), or delete entries when they are no longer needed.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['new Map', 'new Set']).length > 0,
  detect: (ctx) => ctx.scripts(['new Map', 'new Set']).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const sf = ctx.ast(file);
  const candidates = new Map<string, ts.VariableDeclaration>();
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      const init = decl.initializer;
      // `new Map(entries)` built from a constant is a lookup table, not a cache.
      if (ts.isIdentifier(decl.name) && init && ts.isNewExpression(init) && /^(?:Map|Set)$/.test(init.expression.getText()) && !init.arguments?.length) candidates.set(decl.name.text, decl);
    }
  }
  if (candidates.size === 0) return [];
  const grows = new Set<string>();
  const bounded = new Set<string>();
  for (const access of ctx.nodesOf<ts.PropertyAccessExpression>(file, ts.SyntaxKind.PropertyAccessExpression)) {
    const target = access.expression;
    if (!ts.isIdentifier(target) || !candidates.has(target.text)) continue;
    const name = access.name.text;
    // A map that leaves the module (exported, passed on) may be pruned elsewhere: only `size` and writes are judged here.
    if (SHRINKS.has(name) || name === 'size') bounded.add(target.text);
    else if ((name === 'set' || name === 'add') && enclosingFunction(access)) grows.add(target.text);
  }
  const escapes = (name: string): boolean => /\bexport\s+(?:const|let)\s/.test(candidates.get(name)!.parent.parent.getText()) || new RegExp(`export\\s*\\{[^}]*\\b${name}\\b`).test(file.text);
  return [...grows].filter((name) => !bounded.has(name) && !escapes(name)).map((name) => ({
    file,
    line: lineOf(candidates.get(name)!),
    message: `${name} is a module-level ${(candidates.get(name)!.initializer as ts.NewExpression).expression.getText()} that gains an entry per distinct key and never loses one: memory grows until the process is killed.`,
  }));
}
