import { describe, expect, it } from 'vitest';
import { ProbeContext } from '../../src/probes/context.js';
import { SourceFile, type RepoView } from '../../src/repo/view.js';

const source = (path: string, text: string) => new SourceFile(path, path.endsWith('.js') ? 'javascript' : 'typescript', text, text.length);

function contextOf(...files: SourceFile[]): ProbeContext {
  const view: RepoView = { root: '/r', files, skipped: [], secrets: [], git: null, totalBytes: 0 };
  return new ProbeContext(view);
}

describe('ProbeContext.scripts()', () => {
  const query = 'db.query(`SELECT * FROM t WHERE id = ${req.query.id}`)';

  it('gives the scripts that ship, prefiltered by a literal', () => {
    const ctx = contextOf(source('src/app.ts', query), source('src/other.ts', 'export const x = 1;'));
    expect(ctx.scripts(['db.query']).map((f) => f.path)).toEqual(['src/app.ts']);
  });

  it('leaves out tests and type declarations, which do not run in production', () => {
    const ctx = contextOf(
      source('src/app.ts', query),
      source('src/app.test.ts', query),
      source('types/db.d.ts', `declare function query(sql: string): void; // ${query}`),
      source('dist/index.d.mts', query),
      source('dist/index.d.cts', query),
      source('src/d.ts/real.ts', query),
    );
    expect(ctx.scripts(['db.query']).map((f) => f.path)).toEqual(['src/app.ts', 'src/d.ts/real.ts']);
  });
});
