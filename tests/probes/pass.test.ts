import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectRepo } from '../../src/repo/collect.js';
import { redactorFor } from '../../src/repo/redactor.js';
import { Redactor } from '../../src/repo/secrets.js';
import { SourceFile, type RepoView } from '../../src/repo/view.js';
import { runProbePass } from '../../src/probes/pass.js';
import { PROBES } from '../../src/probes/registry.js';
import { runProbes, type ProbeRun } from '../../src/probes/run.js';
import { defineProbe } from '../../src/probes/types.js';
import { runInWorker } from '../../src/probes/workers.js';

const FIXTURES = path.resolve('tests/fixtures/probes');
const CORPUS = path.resolve('bench/corpus');
const subfolders = (root: string): string[] => fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(root, e.name));

/** Everything but timings, which differ from run to run. */
const comparable = (run: ProbeRun): unknown => ({ findings: run.findings, outcomes: run.outcomes.map(({ durationMs: _, ...rest }) => rest) });

async function single(view: RepoView): Promise<unknown> {
  return comparable(runProbes(view, PROBES, redactorFor(view)));
}

describe('runProbePass()', () => {
  // A probe that wrongly declares scope 'file' reads another file or the routes; file by file its findings change or it errors.
  it.each([...subfolders(FIXTURES), ...subfolders(CORPUS)].map((root) => [path.relative(process.cwd(), root), root]))('finds the same file by file as in one pass: %s', async (_, root) => {
    const view = await collectRepo(root, { git: false });
    const sharded = await runProbePass(view, PROBES, redactorFor(view), { mode: 'sharded', workers: 0 });
    expect(comparable(sharded)).toEqual(await single(view));
  });

  it.each([
    ['bench/corpus', CORPUS],
    ['tests/fixtures/probes', FIXTURES],
  ])('finds the same in two worker threads as in one pass: %s', async (_, root) => {
    const view = await collectRepo(root, { git: false });
    const sharded = await runProbePass(view, PROBES, redactorFor(view), { mode: 'sharded', workers: 2 });
    expect(sharded.outcomes.filter((o) => o.status === 'error')).toEqual([]);
    expect(comparable(sharded)).toEqual(await single(view));
  }, 60_000);

  it('reports a file-scoped probe that crashes on one file as an error outcome and keeps the others', async () => {
    const file = new SourceFile('a.ts', 'typescript', 'x()\n', 4);
    const view: RepoView = { root: '/r', files: [file], skipped: [], secrets: [], git: null, totalBytes: 4 };
    const meta = { title: 't', category: 'Security', severity: 'LOW', phase: 5, agent: 'security-auditor', confidence: 'high', description: 'd', impact: 'i', remediation: 'r', effort: 'hours' } as const;
    const crash = defineProbe({ meta: { ...meta, id: 'crash' }, scope: 'file', detect: () => { throw new Error('boom'); } });
    const fine = defineProbe({ meta: { ...meta, id: 'fine' }, scope: 'file', detect: (ctx) => ctx.scripts().map((f) => ({ file: f, line: 1 })) });
    const routes = defineProbe({ meta: { ...meta, id: 'routes' }, scope: 'file', detect: (ctx) => ctx.routes().map((r) => ({ file: r.file, line: r.line })) });
    const run = await runProbePass(view, [crash, fine, routes], new Redactor(), { mode: 'sharded', workers: 0 });
    expect(run.outcomes.map((o) => [o.id, o.status])).toEqual([['crash', 'error'], ['fine', 'ran'], ['routes', 'error']]);
    expect(run.findings.map((f) => f.ruleId)).toEqual(['fine']);
  });

  it('rejects, never hangs, when a worker dies before answering', async () => {
    const job = { root: '/r', files: null, secrets: [], probeIds: ['swallowed-error'], facts: { manifests: [], isServer: false } };
    await expect(runInWorker(job as never)).rejects.toThrow(/probe worker/);
  }, 30_000);
});
