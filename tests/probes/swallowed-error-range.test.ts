import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectRepo } from '../../src/repo/collect.js';
import { redactorFor } from '../../src/repo/redactor.js';
import { PROBES } from '../../src/probes/registry.js';
import { runProbes } from '../../src/probes/run.js';

describe('swallowed-error evidence', () => {
  it('quotes the whole catch clause, so the statement that drops the error is shown', async () => {
    const root = path.resolve('tests/fixtures/probes/swallowed-error');
    const view = await collectRepo(root, { git: false });
    const probe = PROBES.find((p) => p.meta.id === 'swallowed-error')!;
    const { findings } = runProbes(view, [probe], redactorFor(view));
    const catches = findings.map((f) => f.evidence[0]!).filter((e) => /\bcatch\s*(?:\(|\{)/.test(e.lines[0] ?? '') && !/\.catch\(/.test(e.lines[0] ?? ''));
    expect(catches.length).toBeGreaterThan(0);
    for (const evidence of catches) expect(evidence.lines.at(-1)?.trim(), `${evidence.file}:${evidence.startLine}`).toMatch(/^\}/);
  });
});
