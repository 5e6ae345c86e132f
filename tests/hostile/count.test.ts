import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseNames } from '../helpers/case-names.js';

/**
 * The hostile-input suite is listed case by case in docs/reliability.md: every case is a named `it(...)`
 * (or a named row of the flag table) whose name reads "input → observed behaviour".
 */
const DIR = path.resolve('tests/hostile');

describe('the hostile-input suite', () => {
  it('has at least 50 named cases, each "input → observed behaviour", no two alike', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.test.ts') && f !== 'count.test.ts');
    const names = files.flatMap((f) => caseNames(path.join(DIR, f))).filter((n) => !/^has at least/.test(n));
    expect(names.length).toBeGreaterThanOrEqual(50);
    expect(names.filter((n) => !n.includes('→'))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });
});
