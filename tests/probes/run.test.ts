import { describe, expect, it } from 'vitest';
import { runProbes } from '../../src/probes/run.js';
import { defineProbe } from '../../src/probes/types.js';
import { Redactor } from '../../src/repo/secrets.js';
import { SourceFile, type RepoView } from '../../src/repo/view.js';

const file = new SourceFile('schema.prisma', 'prisma', 'model A {\n  user User @relation(fields: [userId])\n}\nmodel B {\n  user   User   @relation(fields: [userId])\n}\n', 100);
const view: RepoView = { root: '/r', files: [file], skipped: [], secrets: [], git: null, totalBytes: 100 };
const meta = { title: 't', category: 'Security', severity: 'LOW', phase: 5, agent: 'security-auditor', confidence: 'high', description: 'd', impact: 'i', remediation: 'r', effort: 'hours' } as const;

describe('runProbes()', () => {
  it('gives lines that differ only in whitespace distinct fingerprints', () => {
    const probe = defineProbe({ meta: { ...meta, id: 'twice' }, detect: () => [{ file, line: 2 }, { file, line: 5 }] });
    const { findings } = runProbes(view, [probe], new Redactor());
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(2);
  });

  it('reports a crashing probe as an error outcome, never as a pass, and goes on with the rest', () => {
    const crash = defineProbe({ meta: { ...meta, id: 'crash' }, detect: () => { throw new Error('boom'); } });
    const fine = defineProbe({ meta: { ...meta, id: 'fine' }, detect: () => [{ file, line: 1 }] });
    const skipped = defineProbe({ meta: { ...meta, id: 'skipped' }, applies: () => false, detect: () => [{ file, line: 1 }] });
    const { outcomes, findings } = runProbes(view, [crash, fine, skipped], new Redactor());
    expect(outcomes.map((o) => [o.id, o.status, o.error])).toEqual([['crash', 'error', 'boom'], ['fine', 'ran', undefined], ['skipped', 'not-applicable', undefined]]);
    expect(findings.map((f) => f.ruleId)).toEqual(['fine']);
  });
});
