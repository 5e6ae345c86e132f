import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FilePassResult } from './file-pass.js';
import type { ShardJob } from './worker.js';

/**
 * A worker keeps one file's tree at a time, so a capped heap makes it collect garbage early instead of
 * growing towards the machine's default; a worker that still runs out fails its probes, loudly.
 */
const LIMITS = { maxOldGenerationSizeMb: 512 };

/**
 * Runs one shard job in a new worker thread. Never hangs on a broken worker: an uncaught error, a
 * message that cannot be read or an exit before answering all reject.
 */
export function runInWorker(job: ShardJob): Promise<FilePassResult[]> {
  const worker = fromSource() ? new Worker(sourceBootstrap(), { eval: true, resourceLimits: LIMITS }) : new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: LIMITS });
  return new Promise<FilePassResult[]>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (results: FilePassResult[]) => settle(() => resolve(results)));
    worker.once('error', (error: Error) => settle(() => reject(new Error(`A probe worker failed: ${error.message}`, { cause: error }))));
    worker.once('messageerror', (error) => settle(() => reject(new Error('A probe worker\'s answer could not be read', { cause: error }))));
    worker.once('exit', (code) => settle(() => reject(new Error(`A probe worker exited with code ${code} before answering`))));
    worker.postMessage(job);
  });
}

function fromSource(): boolean {
  return import.meta.url.endsWith('.ts');
}

/**
 * Run from source (tests, benchmarks), the worker compiles its TypeScript with tsx's require hook,
 * which works inside the thread: on Node 20, ESM loader hooks do not reach a worker's imports.
 */
function sourceBootstrap(): string {
  const hook = createRequire(import.meta.url).resolve('tsx/cjs');
  const entry = fileURLToPath(new URL('./worker.ts', import.meta.url));
  return `require(${JSON.stringify(hook)}); require(${JSON.stringify(entry)});`;
}
