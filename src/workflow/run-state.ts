import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AgentResult, SavedResultsAccess } from '../agents/runtime.js';
import { reusedResult, SavedResults, sha256, type ReadLog, type Replay } from '../agents/saved-results.js';
import { UserError, isErrnoException } from '../errors.js';
import { Finding } from '../model/finding.js';
import { ProbeOutcome } from '../model/report.js';
import type { AgentName } from '../model/taxonomy.js';
import type { ProbeRun } from '../probes/run.js';
import type { Redactor } from '../repo/secrets.js';
import type { RepoView } from '../repo/view.js';
import { readJsonIfValid, writeFileAtomic } from '../state/atomic-file.js';
import { acquireLock, type AuditLock } from '../state/lock.js';
import { isRunId } from '../state/run-id.js';
import type { EventSink } from './events.js';

/** Where checkpoints, the result cache and the lock live, relative to the audited root (ignored by the audit itself). */
export const STATE_DIR = '.prod-audit';
/** Finished runs kept beside the unfinished ones; older ones are removed as new runs start. */
const KEEP_FINISHED_RUNS = 10;

const RunManifest = z.object({
  format: z.literal('prod-audit/run@1'),
  runId: z.string().refine(isRunId, 'not a run id'),
  root: z.string(),
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  status: z.enum(['running', 'interrupted', 'complete']),
  /** The command-line arguments of the audit (never the API key, which only comes from the environment). */
  args: z.array(z.string()),
  interruptedBy: z.string().nullable(),
});
type RunManifest = z.infer<typeof RunManifest>;

const ProbeCheckpoint = z.object({ snapshot: z.string(), findings: z.array(Finding), outcomes: z.array(ProbeOutcome) });

export interface RunStateOptions {
  /** @default <root>/.prod-audit */
  readonly dir?: string;
  /** Continue this run (an id), or the latest unfinished one (true). */
  readonly resume?: string | true;
  /** Reuse and keep agent results across runs. @default true */
  readonly cache?: boolean;
  /** Recorded so a resume can repeat them. */
  readonly args?: readonly string[];
}

/**
 * One audit's durable state: its checkpoints under runs/<run-id>/ (each phase and each agent as it
 * completes, written atomically), the result cache under cache/agents/, and the lock that keeps a
 * second audit of the same root out while this one writes them.
 */
export class RunState implements SavedResultsAccess {
  private readonly fileHashes: Map<string, string>;
  readonly snapshot: string;
  private writeFailed = false;

  private constructor(
    readonly dir: string,
    private manifest: RunManifest,
    private readonly lock: AuditLock,
    private readonly checkpoints: SavedResults,
    private readonly cache: SavedResults | undefined,
    private readonly redactor: Redactor,
    private readonly emit: EventSink,
    view: RepoView,
    /** The manifest of the run being resumed, when this one continues it. */
    readonly resumed: boolean,
  ) {
    this.fileHashes = new Map(view.files.map((f) => [f.path, sha256(f.text)]));
    this.snapshot = sha256(JSON.stringify([...this.fileHashes].sort(([a], [b]) => (a < b ? -1 : 1))));
  }

  get runId(): string {
    return this.manifest.runId;
  }

  get runDir(): string {
    return path.join(this.dir, 'runs', this.manifest.runId);
  }

  /**
   * Takes the lock, then opens the run to resume or starts a new one. A state folder that cannot be
   * written (a read-only checkout) is not an error: the audit runs without checkpoints or cache, and
   * undefined says so.
   */
  static async open(view: RepoView, redactor: Redactor, options: RunStateOptions, now: Date, emit: EventSink): Promise<RunState | undefined> {
    const dir = options.dir ?? path.join(view.root, STATE_DIR);
    let lock: AuditLock;
    try {
      lock = await acquireLock(dir);
    } catch (error) {
      if (isErrnoException(error) && ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC'].includes(error.code!)) {
        if (options.resume !== undefined) throw new UserError(`Cannot resume: ${dir} cannot be written (${error.code})`, 'Run the audit again without --resume.');
        return undefined;
      }
      throw error;
    }
    try {
      const manifest = options.resume !== undefined ? await findResumable(dir, options.resume, view.root) : newManifest(view.root, options.args ?? [], now);
      const cache = options.cache === false ? undefined : new SavedResults(path.join(dir, 'cache', 'agents'));
      const state = new RunState(dir, manifest, lock, new SavedResults(path.join(dir, 'runs', manifest.runId, 'agents')), cache, redactor, emit, view, options.resume !== undefined);
      await state.writeManifest({ status: 'running', interruptedBy: null });
      if (!state.resumed) await pruneFinishedRuns(dir, manifest.runId);
      return state;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  fileHash(file: string): string | undefined {
    return this.fileHashes.get(file);
  }

  /** The run's own checkpoint first (a resume), then the result cache. */
  async find(agent: AgentName, key: string, replay: Replay): Promise<AgentResult | undefined> {
    const checkpoint = this.resumed ? await this.checkpoints.load(agent, key, replay) : undefined;
    if (checkpoint) return reusedResult(checkpoint, 'checkpoint');
    const cached = await this.cache?.load(key, key, replay);
    if (!cached) return undefined;
    // Reused from the cache, it is also this run's checkpoint: a resume of this run finds it there.
    await this.bestEffort(() => this.checkpoints.saveEntry(agent, cached));
    return reusedResult(cached, 'result-cache');
  }

  async keep(agent: AgentName, key: string, log: ReadLog, result: AgentResult): Promise<void> {
    await this.bestEffort(() => this.checkpoints.save(agent, key, log, result, this.redactor));
    if (this.cache) await this.bestEffort(() => this.cache!.save(key, key, log, result, this.redactor));
  }

  /** The probe pass of the interrupted run, when the repository is byte for byte the one it read. */
  async savedProbeRun(): Promise<ProbeRun | undefined> {
    if (!this.resumed) return undefined;
    const parsed = ProbeCheckpoint.safeParse(await readJsonIfValid(path.join(this.runDir, 'phases', 'probes.json')));
    return parsed.success && parsed.data.snapshot === this.snapshot ? { findings: parsed.data.findings, outcomes: parsed.data.outcomes } : undefined;
  }

  async savePhase(name: string, data: unknown): Promise<void> {
    await this.bestEffort(() => writeFileAtomic(path.join(this.runDir, 'phases', `${name}.json`), this.redactor.redact(`${JSON.stringify(data)}\n`)));
  }

  async saveProbeRun(run: ProbeRun): Promise<void> {
    await this.savePhase('probes', { snapshot: this.snapshot, findings: run.findings, outcomes: run.outcomes });
  }

  /** Marks the run finished (complete, or interrupted and resumable) and releases the lock. */
  async close(status: 'complete' | 'interrupted', interruptedBy?: string): Promise<void> {
    try {
      await this.bestEffort(() => this.writeManifest({ status, interruptedBy: interruptedBy ?? null }));
    } finally {
      await this.lock.release();
    }
  }

  /**
   * A checkpoint that cannot be written (disk full, permissions changed mid-run) costs the ability to
   * resume, not the audit: it is said once, and the audit goes on.
   */
  private async bestEffort(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!this.writeFailed) this.emit({ type: 'error', message: `checkpoint not written (${isErrnoException(error) ? error.code : String(error)}); this run may not be resumable` });
      this.writeFailed = true;
    }
  }

  /** Releases the lock and leaves the manifest as it is ("running" reads as crashed, and can be resumed). */
  async abandon(): Promise<void> {
    await this.lock.release();
  }

  private async writeManifest(change: Partial<RunManifest>): Promise<void> {
    this.manifest = { ...this.manifest, ...change, updatedAt: new Date().toISOString() };
    await writeFileAtomic(path.join(this.runDir, 'run.json'), `${JSON.stringify(this.manifest, null, 2)}\n`);
  }
}

function newManifest(root: string, args: readonly string[], now: Date): RunManifest {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return {
    format: 'prod-audit/run@1',
    runId: `${stamp}-${randomBytes(3).toString('hex')}`,
    root,
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    status: 'running',
    args: [...args],
    interruptedBy: null,
  };
}

/** The run a `--resume` continues, and the flags it was started with. */
export async function findRunToResume(dir: string, resume: string | true, root: string): Promise<{ runId: string; args: readonly string[] }> {
  const manifest = await findResumable(dir, resume, root);
  return { runId: manifest.runId, args: manifest.args };
}

/** The run to continue: the one named, or the newest one that did not complete. */
async function findResumable(dir: string, resume: string | true, root: string): Promise<RunManifest> {
  const runsDir = path.join(dir, 'runs');
  const ids = resume === true ? (await listRunIds(runsDir)).reverse() : [resume];
  if (resume !== true && !isRunId(resume)) throw new UserError(`"${resume}" is not a run id`, 'Run ids look like 20261201T160000Z-a1b2c3; see the folders under .prod-audit/runs/.');
  for (const id of ids) {
    const file = path.join(runsDir, id, 'run.json');
    if (resume !== true && !(await exists(file))) {
      throw new UserError(`No run ${id} to resume (no ${file})`, 'Run the audit without --resume, or name a run under .prod-audit/runs/.');
    }
    const parsed = RunManifest.safeParse(await readJsonIfValid(file));
    if (!parsed.success) {
      if (resume !== true) throw new UserError(`The checkpoint ${file} is corrupt`, 'Run the audit again without --resume; finished agents are still reused from the result cache.');
      continue;
    }
    if (parsed.data.root !== root) throw new UserError(`Run ${id} audited ${parsed.data.root}, not ${root}`, 'Resume it from the folder it audited.');
    if (parsed.data.status === 'complete') {
      if (resume !== true) throw new UserError(`Run ${id} already completed`, 'Its reports are written; run a new audit without --resume.');
      continue;
    }
    return parsed.data;
  }
  throw new UserError(`No interrupted audit to resume in ${runsDir}`, 'Run the audit without --resume.');
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function listRunIds(runsDir: string): Promise<string[]> {
  try {
    return (await fs.readdir(runsDir)).filter(isRunId).sort();
  } catch {
    return [];
  }
}

/** Keeps the newest finished runs; unfinished ones stay until resumed or pruned after they finish. */
async function pruneFinishedRuns(dir: string, current: string): Promise<void> {
  const runsDir = path.join(dir, 'runs');
  const finished: string[] = [];
  for (const id of await listRunIds(runsDir)) {
    if (id === current) continue;
    const parsed = RunManifest.safeParse(await readJsonIfValid(path.join(runsDir, id, 'run.json')));
    if (parsed.success && parsed.data.status === 'complete') finished.push(id);
  }
  for (const id of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED_RUNS))) {
    await fs.rm(path.join(runsDir, id), { recursive: true, force: true });
  }
}
