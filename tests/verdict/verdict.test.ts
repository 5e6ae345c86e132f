import { describe, expect, it } from 'vitest';
import type { Category } from '../../src/model/taxonomy.js';
import { judge, mergeFindings, verifyEvidence, type CategoryCoverage } from '../../src/verdict/index.js';
import { Redactor } from '../../src/repo/secrets.js';
import { SourceFile, type RepoView } from '../../src/repo/view.js';
import { parseLaunchContext } from '../../src/workflow/launch-context.js';
import { finding } from '../helpers/findings.js';

const everythingRan = new Map<Category, CategoryCoverage>(
  (['Security', 'UI/UX Safety', 'Code Quality', 'Data Integrity', 'Reliability', 'Throughput', 'Recovery', 'Concurrency', 'State Machine', 'Idempotency', 'Observability', 'Cost Control', 'Permissions', 'Data Lifecycle', 'Human Error'] as Category[]).map((c) => [c, { ran: 1, notApplicable: 0, errored: 0 }]),
);
const medium = parseLaunchContext('');
const scoreOf = (result: ReturnType<typeof judge>, category: Category) => result.scores.find((s) => s.category === category)!.status;

describe('category scoring (the master checklist rubric)', () => {
  it('PASS with only medium findings, PARTIAL with 1–2 HIGH, FAIL with 3 HIGH or any CRITICAL', () => {
    const result = judge({
      context: medium,
      coverage: everythingRan,
      findings: [
        finding({ category: 'Throughput', severity: 'MEDIUM' }),
        finding({ category: 'Reliability', severity: 'HIGH' }),
        finding({ category: 'Reliability', severity: 'HIGH' }),
        ...[1, 2, 3].map(() => finding({ category: 'Observability', severity: 'HIGH' })),
        finding({ category: 'Idempotency', severity: 'CRITICAL' }),
      ],
    });
    expect([scoreOf(result, 'Throughput'), scoreOf(result, 'Reliability'), scoreOf(result, 'Observability'), scoreOf(result, 'Idempotency'), scoreOf(result, 'Security')]).toEqual([
      'PASS',
      'PARTIAL',
      'FAIL',
      'FAIL',
      'PASS',
    ]);
  });

  it('never calls a category PASS when no check could judge it', () => {
    const coverage = new Map<Category, CategoryCoverage>([
      ['Security', { ran: 0, notApplicable: 2, errored: 0 }],
      ['Reliability', { ran: 0, notApplicable: 0, errored: 1 }],
    ]);
    const result = judge({ context: medium, coverage, findings: [] });
    expect(scoreOf(result, 'Security')).toBe('NOT_APPLICABLE');
    expect(scoreOf(result, 'Reliability')).toBe('NOT_AUDITED');
    expect(scoreOf(result, 'Concurrency')).toBe('NOT_AUDITED');
    expect(result.verdict.rating).toBe('CONDITIONALLY READY');
  });
});

describe('overall rating', () => {
  it('is PRODUCTION READY only when every category passes and nothing is HIGH or worse', () => {
    expect(judge({ context: medium, coverage: everythingRan, findings: [finding({ severity: 'LOW' })] }).verdict.rating).toBe('PRODUCTION READY');
  });

  it('is CONDITIONALLY READY with up to three PARTIAL categories and NOT READY with four', () => {
    const partial = (categories: Category[]) => judge({ context: medium, coverage: everythingRan, findings: categories.map((category) => finding({ category, severity: 'HIGH', confidence: 'medium' })) }).verdict.rating;
    expect(partial(['Security', 'Reliability', 'Throughput'])).toBe('CONDITIONALLY READY');
    expect(partial(['Security', 'Reliability', 'Throughput', 'Recovery'])).toBe('NOT READY');
  });

  it('is NOT READY with any CRITICAL, and scores readiness out of 100', () => {
    const { verdict } = judge({ context: medium, coverage: everythingRan, findings: [finding({ severity: 'CRITICAL' }), finding({ severity: 'HIGH' })] });
    expect(verdict.rating).toBe('NOT READY');
    expect(verdict.readinessScore).toBe(100 - 20 - 8);
    expect(verdict.reasons[0]).toBe('1 CRITICAL finding(s).');
  });
});

describe('launch classes follow strictness', () => {
  const high = finding({ severity: 'HIGH', confidence: 'high' });
  const mediumSeverity = finding({ severity: 'MEDIUM' });
  const classes = (context: string) => judge({ context: parseLaunchContext(context), coverage: everythingRan, findings: [high, mediumSeverity] }).findings.map((f) => f.launchClass);

  it('a public launch stops on confident HIGH findings', () => expect(classes('First public launch, expecting ~5k MAU')).toEqual(['stop-ship', 'fix-soon']));
  it('a beta fixes HIGH soon', () => expect(classes('closed beta with 50 design partners')).toEqual(['fix-soon', 'fix-soon']));
  it('an internal tool accepts MEDIUM', () => expect(classes('internal admin tool for staff')).toEqual(['fix-soon', 'acceptable-risk']));
});

describe('mergeFindings()', () => {
  const at = (file: string, startLine: number, endLine = startLine) => [{ file, startLine, endLine, lines: Array.from({ length: endLine - startLine + 1 }, () => 'x') }];

  it('keeps one finding per issue: the highest severity and every source', () => {
    const probe = finding({ ruleId: 'webhook', severity: 'HIGH', evidence: at('src/hooks.ts', 10) });
    const agent = finding({ ruleId: 'agent:security', severity: 'CRITICAL', sources: [{ kind: 'agent', id: 'security-auditor' }], evidence: at('src/hooks.ts', 8, 12) });
    const merged = mergeFindings([probe, agent]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ severity: 'CRITICAL', fingerprint: probe.fingerprint });
    expect(merged[0]!.sources).toEqual([{ kind: 'probe', id: 'rule' }, { kind: 'agent', id: 'security-auditor' }]);
  });

  it('keeps apart different rules on the same line, and the same rule on other lines', () => {
    const a = finding({ ruleId: 'a', evidence: at('src/x.ts', 3) });
    const b = finding({ ruleId: 'b', evidence: at('src/x.ts', 3) });
    const c = finding({ ruleId: 'a', evidence: at('src/x.ts', 30) });
    expect(mergeFindings([a, b, c])).toHaveLength(3);
  });
});

describe('verifyEvidence()', () => {
  const file = new SourceFile('src/app.ts', 'typescript', "const a = 1;\nconst b =   2;\nconst key = 'sk_live_0123456789abcdefABCDEF';\n", 60);
  const view: RepoView = { root: '/r', files: [file], skipped: [], secrets: [], git: null, totalBytes: 60 };
  const redactor = new Redactor();

  it('keeps evidence that matches the file modulo whitespace and redaction', () => {
    const ok = finding({ evidence: [{ file: 'src/app.ts', startLine: 2, endLine: 3, lines: ['const b = 2;', "const key = '[REDACTED stripe-secret-key]';"] }] });
    expect(verifyEvidence([ok], view, redactor).kept).toHaveLength(1);
  });

  it.each([
    [{ file: 'src/missing.ts', startLine: 1, endLine: 1, lines: ['x'] }, /not in the audited tree/],
    [{ file: 'src/app.ts', startLine: 40, endLine: 41, lines: ['x', 'y'] }, /do not exist/],
    [{ file: 'src/app.ts', startLine: 1, endLine: 1, lines: ['const a = 2;'] }, /does not match/],
  ])('drops and explains evidence that does not hold: %o', (evidence, reason) => {
    const { kept, dropped } = verifyEvidence([finding({ evidence: [evidence] })], view, redactor);
    expect(kept).toEqual([]);
    expect(dropped[0]!.reason).toMatch(reason);
  });
});
