import type { Severity } from '../model/taxonomy.js';
import type { SecretSighting } from '../repo/view.js';
import { SourceFile } from '../repo/view.js';
import { ProbeContext, type RepoFacts } from './context.js';
import type { Hit, Probe } from './types.js';

/** A hit that can cross a thread: its file named by path. */
export interface PlainHit {
  readonly path: string;
  readonly line: number;
  readonly endLine?: number;
  readonly message?: string;
  readonly severity?: Severity;
}

/** One file-scoped probe's result over a set of files. */
export interface FilePassResult {
  readonly id: string;
  hits: PlainHit[];
  error?: string;
  durationMs: number;
}

/** A file as it crosses a thread (structured clone keeps data, not the SourceFile class). */
export interface PlainFile {
  readonly path: string;
  readonly language: SourceFile['language'];
  readonly text: string;
  readonly bytes: number;
}

/**
 * Runs file-scoped probes one file at a time: every probe sees a view of that file alone, so the
 * file is parsed once for all of them and its tree is garbage as soon as they are done. Memory stays
 * bounded by the largest file, not the tree.
 */
export function runFilePass(root: string, files: readonly SourceFile[], secrets: readonly SecretSighting[], probes: readonly Probe[], facts: RepoFacts): FilePassResult[] {
  const results: FilePassResult[] = probes.map((probe) => ({ id: probe.meta.id, hits: [], durationMs: 0 }));
  const secretsOf = groupBy(secrets, (s) => s.file);
  for (const file of files) {
    const view = { root, files: [file], skipped: [], secrets: secretsOf.get(file.path) ?? [], git: null, totalBytes: file.bytes };
    const ctx = new ProbeContext(view, facts);
    probes.forEach((probe, index) => {
      const result = results[index]!;
      if (result.error !== undefined) return;
      const started = performance.now();
      try {
        for (const hit of probe.detect(ctx)) result.hits.push(plainHit(hit));
      } catch (error) {
        result.error = error instanceof Error ? error.message : String(error);
        result.hits = [];
      }
      result.durationMs += performance.now() - started;
    });
  }
  return results;
}

export function toPlainFile(file: SourceFile): PlainFile {
  return { path: file.path, language: file.language, text: file.text, bytes: file.bytes };
}

export function fromPlainFile(file: PlainFile): SourceFile {
  return new SourceFile(file.path, file.language, file.text, file.bytes);
}

function plainHit(hit: Hit): PlainHit {
  return {
    path: hit.file.path,
    line: hit.line,
    ...(hit.endLine !== undefined ? { endLine: hit.endLine } : {}),
    ...(hit.message !== undefined ? { message: hit.message } : {}),
    ...(hit.severity !== undefined ? { severity: hit.severity } : {}),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
