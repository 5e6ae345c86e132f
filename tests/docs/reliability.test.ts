import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReliabilityDoc } from '../../scripts/reliability-doc.js';
import { caseNames, mcpHostileRows, RELIABILITY_SUITES } from '../helpers/case-names.js';

describe('docs/reliability.md', () => {
  it('is generated from the fault and hostile suites as they are now (npm run docs:reliability)', () => {
    expect(fs.readFileSync('docs/reliability.md', 'utf8')).toBe(renderReliabilityDoc());
  });

  it('lists at least 20 faults and at least 50 hostile inputs, each a named test', () => {
    const count = (kind: 'fault' | 'hostile') =>
      RELIABILITY_SUITES.filter((s) => s.kind === kind).flatMap((s) => caseNames(s.path)).filter((n) => n.includes(' → ')).length;
    expect(count('fault')).toBeGreaterThanOrEqual(20);
    expect(count('hostile') + mcpHostileRows().length).toBeGreaterThanOrEqual(50);
  });
});
