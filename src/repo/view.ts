import type { Language } from './language.js';
import type { SecretMatch } from './secrets.js';
import type { GitFacts } from './git.js';

/** A text file of the target, read once. Paths are posix and relative to the root. */
export class SourceFile {
  private lineCache: string[] | undefined;
  private lineStarts: number[] | undefined;

  constructor(
    readonly path: string,
    readonly language: Language,
    readonly text: string,
    readonly bytes: number,
  ) {}

  get lines(): string[] {
    this.lineCache ??= this.text.split(/\r?\n/);
    return this.lineCache;
  }

  /** 1-based line number of a character offset. */
  lineAt(offset: number): number {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export const SKIP_REASONS = ['too-large', 'binary', 'not-utf8', 'symlink', 'unreadable', 'special-file', 'unsafe-name'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface SkippedFile {
  readonly path: string;
  readonly reason: SkipReason;
}

export interface SecretSighting extends SecretMatch {
  readonly file: string;
  readonly line: number;
}

/** Everything the probes and the verdict know about the target: collected once, then read-only. */
export interface RepoView {
  readonly root: string;
  readonly files: readonly SourceFile[];
  readonly skipped: readonly SkippedFile[];
  readonly secrets: readonly SecretSighting[];
  readonly git: GitFacts | null;
  readonly totalBytes: number;
}
