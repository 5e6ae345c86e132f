import type { Finding } from '../../src/model/finding.js';
import { fingerprintOf } from '../../src/model/fingerprint.js';

let counter = 0;

/** A valid finding with overridable fields, for verdict tests. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  counter++;
  const evidence = overrides.evidence ?? [{ file: 'src/app.ts', startLine: counter, endLine: counter, lines: [`line ${counter}`] }];
  return {
    fingerprint: fingerprintOf(overrides.ruleId ?? 'rule', evidence[0]!.file, evidence[0]!.lines, counter),
    ruleId: 'rule',
    title: `Finding ${counter}`,
    severity: 'MEDIUM',
    category: 'Security',
    phase: 5,
    sources: [{ kind: 'probe', id: 'rule' }],
    evidence,
    description: 'd',
    impact: 'i',
    recommendation: 'r',
    effort: 'hours',
    confidence: 'high',
    ...overrides,
  };
}
