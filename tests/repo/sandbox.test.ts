import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PathRefused, resolveInside } from '../../src/repo/sandbox.js';
import { makeTree } from '../helpers/tree.js';

describe('resolveInside()', () => {
  const root = fs.realpathSync(makeTree({ '..notes.md': 'a file whose name starts with two dots', 'src/a.ts': 'x' }));

  it('accepts a file whose name merely starts with ".."', () => {
    expect(resolveInside(root, '..notes.md').relative).toBe('..notes.md');
  });

  it('returns posix paths relative to the root', () => {
    expect(resolveInside(root, './src/../src/a.ts')).toEqual({ absolute: `${root}/src/a.ts`, relative: 'src/a.ts' });
  });

  it.each(['..', '../x', 'src/../../x', '/etc/passwd'])('refuses %s', (requested) => {
    expect(() => resolveInside(root, requested)).toThrow(PathRefused);
  });
});
