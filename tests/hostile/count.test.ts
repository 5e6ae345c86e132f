import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The hostile-input suite is listed case by case in docs/reliability.md: every case is a named `it(...)`
 * (or a named row of the flag table) whose name reads "input → observed behaviour".
 */
const DIR = path.resolve('tests/hostile');

function caseNames(): string[] {
  const names: string[] = [];
  for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.test.ts') && f !== 'count.test.ts')) {
    const text = fs.readFileSync(path.join(DIR, file), 'utf8');
    for (const m of text.matchAll(/^\s*it\(\s*(['"`])(.*?)\1,/gm)) names.push(m[2]!);
    for (const m of text.matchAll(/^\s*\{ name: (['"`])(.*?)\1,/gm)) names.push(m[2]!);
  }
  return names;
}

describe('the hostile-input suite', () => {
  it('has at least 50 named cases, each "input → observed behaviour", no two alike', () => {
    const names = caseNames().filter((n) => !n.startsWith('has at least'));
    expect(names.length).toBeGreaterThanOrEqual(50);
    expect(names.filter((n) => !n.includes('→'))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });
});
