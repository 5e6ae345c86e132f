/**
 * A worker thread of the sharded probe pass: runs the file-scoped probes it is named over its shard
 * of files and posts their plain hits back. Probes are looked up in the registry by id, because
 * functions cannot cross threads.
 */
import { parentPort } from 'node:worker_threads';
import type { RepoFacts } from './context.js';
import { fromPlainFile, runFilePass, type FilePassResult, type PlainFile } from './file-pass.js';
import { probeById } from './registry.js';
import type { SecretSighting } from '../repo/view.js';
import type { Probe } from './types.js';

export interface ShardJob {
  readonly root: string;
  readonly files: readonly PlainFile[];
  readonly secrets: readonly SecretSighting[];
  readonly probeIds: readonly string[];
  readonly facts: RepoFacts;
}

if (!parentPort) throw new Error('Expected to run as a worker thread, got the main thread');
const port = parentPort;

port.once('message', (job: ShardJob) => {
  const probes = job.probeIds.map((id) => probeById(id));
  const known = probes.filter((probe): probe is Probe => probe !== undefined);
  const ran = runFilePass(job.root, job.files.map(fromPlainFile), job.secrets, known, job.facts);
  const results: FilePassResult[] = job.probeIds.map(
    (id) => ran.find((r) => r.id === id) ?? { id, hits: [], error: `Probe ${id} is not in the registry the worker loaded`, durationMs: 0 },
  );
  port.postMessage(results);
});
