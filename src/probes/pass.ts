import os from 'node:os';
import type { Finding } from '../model/finding.js';
import type { Redactor } from '../repo/secrets.js';
import type { RepoView, SourceFile } from '../repo/view.js';
import { ProbeContext, type RepoFacts } from './context.js';
import { runFilePass, toPlainFile, type FilePassResult } from './file-pass.js';
import { probeById } from './registry.js';
import { dedupeHits, findingsOf, runProbes, type ProbeOutcome, type ProbeRun } from './run.js';
import type { Hit, Probe } from './types.js';
import { runInWorker } from './workers.js';

export interface ProbePassOptions {
  /**
   * `'single'`: every probe on this thread over the whole view (`runProbes`). `'sharded'`: probes that
   * declare `scope: 'file'` run file by file, in worker threads; the rest on this thread meanwhile.
   * `'auto'`: one thread until the sharded split pays on real trees (see runProbePass).
   * @default 'auto'
   */
  readonly mode?: 'auto' | 'single' | 'sharded';
  /**
   * Worker threads for the sharded pass; 0 runs it file by file on this thread. The main thread keeps a core
   * busy with the repo-scoped probes, so one worker fewer than cores (on 2 cores: 11.3 s against 13.4 s with
   * two workers, docs/benchmarks.md). @default the number of cores less one, at least one
   */
  readonly workers?: number;
}


/**
 * The probe pass: the same findings and outcomes as `runProbes`, in the same order, whatever the mode.
 * Sharded, the main thread computes the repo-wide facts, checks each file-scoped probe's `applies()`,
 * hands the files to the workers, then runs the repo-scoped probes while they work.
 */
export async function runProbePass(view: RepoView, probes: readonly Probe[], redactor: Redactor, options: ProbePassOptions = {}): Promise<ProbeRun> {
  const mode = options.mode ?? 'auto';
  const workers = options.workers ?? Math.max(1, os.availableParallelism() - 1);
  // 'auto' stays on one thread: measured on 2 cores (docs/benchmarks.md, 2026-12-01), sharding is slower
  // (probes 14.11 s against 7.83 s on the 659k-line pinned tree): the repo-scoped probes on the main thread
  // still parse most files again, and one thread already keeps about 1.5 cores busy (V8's collector and
  // compiler threads). Even every probe over half the files in each of two threads, nothing parsed
  // twice, took 8.2-8.7 s against 7.6 s. Opt in with 'sharded'.
  if (mode !== 'sharded') return runProbes(view, probes, redactor);
  // Workers load probes from the registry by id, so only the registry's own instances may go there.
  const fileScoped = probes.filter((p) => p.scope === 'file' && (workers === 0 || probeById(p.meta.id) === p));
  if (fileScoped.length === 0) return runProbes(view, probes, redactor);

  const ctx = new ProbeContext(view);
  let facts: RepoFacts;
  try {
    facts = ctx.repoFacts();
  } catch {
    return runProbes(view, probes, redactor); // the single pass reports the failure on the probes that meet it
  }
  const gate = new Map(fileScoped.map((probe) => [probe, applies(probe, ctx)]));
  const applicable = fileScoped.filter((probe) => gate.get(probe)!.applies === true);
  const pending = shardResults(view, applicable, facts, workers);
  const repoScoped = probes.filter((probe) => !gate.has(probe));
  const repoRun = runProbes(view, repoScoped, redactor, ctx);
  const shards = await pending;

  const byPath = new Map(view.files.map((file) => [file.path, file]));
  const repoOutcomes = new Map(repoRun.outcomes.map((o, i) => [o.id, { outcome: o, index: i }]));
  const findings: Finding[] = [];
  const outcomes: ProbeOutcome[] = [];
  let repoFindings = 0;
  for (const probe of probes) {
    const id = probe.meta.id;
    const checked = gate.get(probe);
    if (!checked) {
      const outcome = repoOutcomes.get(id)!.outcome;
      findings.push(...repoRun.findings.slice(repoFindings, repoFindings + outcome.hits));
      repoFindings += outcome.hits;
      outcomes.push(outcome);
      continue;
    }
    if (checked.applies !== true) {
      outcomes.push(checked.applies === false ? { id, status: 'not-applicable', hits: 0, durationMs: checked.durationMs } : { id, status: 'error', hits: 0, error: redactor.redact(checked.applies), durationMs: checked.durationMs });
      continue;
    }
    const merged = merge(shards, applicable.indexOf(probe));
    const durationMs = round(checked.durationMs + merged.durationMs);
    if (merged.error !== undefined) {
      outcomes.push({ id, status: 'error', hits: 0, error: redactor.redact(merged.error), durationMs });
      continue;
    }
    const hits = dedupeHits(merged.hits.map(({ path, ...rest }): Hit => ({ file: byPath.get(path)!, ...rest })));
    findings.push(...findingsOf(probe, hits, redactor));
    outcomes.push({ id, status: 'ran', hits: hits.length, durationMs });
  }
  return { findings, outcomes };
}

/** A probe's `applies()` on the whole view: true, false, or the message it threw. */
function applies(probe: Probe, ctx: ProbeContext): { applies: boolean | string; durationMs: number } {
  const started = performance.now();
  try {
    const result = !probe.applies || probe.applies(ctx);
    return { applies: result, durationMs: performance.now() - started };
  } catch (error) {
    return { applies: error instanceof Error ? error.message : String(error), durationMs: performance.now() - started };
  }
}

/** Each shard's results, one list per shard with one entry per probe; a failed worker fails every probe it held. */
async function shardResults(view: RepoView, probes: readonly Probe[], facts: RepoFacts, workers: number): Promise<FilePassResult[][]> {
  if (probes.length === 0) return [];
  if (workers <= 0) return [runFilePass(view.root, view.files, view.secrets, probes, facts)];
  const probeIds = probes.map((p) => p.meta.id);
  const jobs = shardsOf(view.files, workers).map((files) => {
    const paths = new Set(files.map((f) => f.path));
    return { root: view.root, files: files.map(toPlainFile), secrets: view.secrets.filter((s) => paths.has(s.file)), probeIds, facts };
  });
  return Promise.all(
    jobs.map((job) =>
      runInWorker(job).catch((error: unknown) => probeIds.map((id): FilePassResult => ({ id, hits: [], error: error instanceof Error ? error.message : String(error), durationMs: 0 }))),
    ),
  );
}

/** Files dealt to `count` shards of about equal bytes (largest first, each to the lightest shard), each shard in view order. */
function shardsOf(files: readonly SourceFile[], count: number): SourceFile[][] {
  const shards = Array.from({ length: count }, () => ({ bytes: 0, files: [] as { file: SourceFile; index: number }[] }));
  const bySize = files.map((file, index) => ({ file, index })).sort((a, b) => b.file.bytes - a.file.bytes || a.index - b.index);
  for (const entry of bySize) {
    const lightest = shards.reduce((min, shard) => (shard.bytes < min.bytes ? shard : min));
    lightest.files.push(entry);
    lightest.bytes += entry.file.bytes;
  }
  return shards.filter((s) => s.files.length > 0).map((s) => s.files.sort((a, b) => a.index - b.index).map((e) => e.file));
}

/** One probe's results across shards, in shard order; the first shard's error wins. */
function merge(shards: readonly FilePassResult[][], index: number): FilePassResult {
  const parts = shards.map((shard) => shard[index]!);
  const failed = parts.find((part) => part.error !== undefined);
  const durationMs = parts.reduce((sum, part) => sum + part.durationMs, 0);
  if (failed) return { id: failed.id, hits: [], error: failed.error!, durationMs };
  return { id: parts[0]?.id ?? '', hits: parts.flatMap((part) => part.hits), durationMs };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;
