import { Worker } from 'node:worker_threads';
import type { SourceFile } from '../repo/view.js';

export interface SearchQuery {
  readonly pattern: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly maxResults: number;
  readonly filter: (path: string) => boolean;
}

export interface SearchHit {
  readonly path: string;
  readonly line: number;
  readonly text: string;
}

export interface SearchResult {
  readonly hits: SearchHit[];
  readonly truncated: boolean;
  readonly filesSearched: number;
}

/** A refusal the caller should see as a tool error, not a crash. */
export class SearchRefused extends Error {
  override readonly name = 'SearchRefused';
}

export const MAX_PATTERN_LENGTH = 500;
/** Long lines (minified code, data) are matched only up to this many characters. */
export const MAX_LINE_LENGTH = 4000;
const MAX_HIT_TEXT = 300;

/**
 * Literal search runs inline. A regular expression comes from an untrusted agent and runs over
 * untrusted text, and JavaScript's engine backtracks: one pattern can spin for hours. So regex
 * search runs in a worker thread with a deadline; a pattern that overruns is killed with its
 * worker and refused, and the next search gets a fresh worker.
 */
export class Searcher {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly lowerCache = new Map<string, string>();

  constructor(
    private readonly files: readonly SourceFile[],
    private readonly timeoutMs = 2000,
  ) {}

  async search(query: SearchQuery): Promise<SearchResult> {
    if (query.pattern.length === 0) throw new SearchRefused('Expected a non-empty pattern');
    if (query.pattern.length > MAX_PATTERN_LENGTH) {
      throw new SearchRefused(`Expected a pattern of at most ${MAX_PATTERN_LENGTH} characters, got ${query.pattern.length}`);
    }
    const selected = this.files.filter((f) => query.filter(f.path));
    if (!query.regex) return literalSearch(selected, query, (file) => this.lowered(file));
    try {
      new RegExp(query.pattern, query.caseSensitive ? '' : 'i');
    } catch (error) {
      throw new SearchRefused(`Invalid regular expression: ${(error as Error).message}`);
    }
    return this.regexSearch(query, selected.map((f) => f.path));
  }

  /** A file's text lower-cased once, not on every case-insensitive search. */
  private lowered(file: SourceFile): string {
    let text = this.lowerCache.get(file.path);
    if (text === undefined) {
      text = file.text.toLowerCase();
      this.lowerCache.set(file.path, text);
    }
    return text;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private regexSearch(query: SearchQuery, paths: string[]): Promise<SearchResult> {
    const worker = this.startWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.close(); // the only way to stop a runaway regex is to stop its thread
        reject(new SearchRefused(`The pattern took longer than ${this.timeoutMs} ms and was stopped; use a simpler pattern or a literal search`));
      }, this.timeoutMs);
      const onMessage = (message: { id: number; result: SearchResult }): void => {
        if (message.id !== id) return;
        cleanup();
        resolve(message.result);
      };
      const onError = (error: Error): void => {
        cleanup();
        this.close();
        reject(error);
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, pattern: query.pattern, flags: query.caseSensitive ? '' : 'i', paths, maxResults: query.maxResults, maxLine: MAX_LINE_LENGTH, maxHitText: MAX_HIT_TEXT });
    });
  }

  private startWorker(): Worker {
    if (!this.worker) {
      // Evaluated source, not a file: the same code runs from TypeScript sources and from dist/.
      this.worker = new Worker(`(${regexWorkerMain.toString()})()`, {
        eval: true,
        workerData: this.files.map((f) => [f.path, f.text]),
        resourceLimits: { maxOldGenerationSizeMb: 512 },
      });
      this.worker.unref();
    }
    return this.worker;
  }
}

function literalSearch(files: readonly SourceFile[], query: SearchQuery, lowered: (file: SourceFile) => string): SearchResult {
  const needle = query.caseSensitive ? query.pattern : query.pattern.toLowerCase();
  const hits: SearchHit[] = [];
  for (const file of files) {
    const haystack = query.caseSensitive ? file.text : lowered(file);
    if (!haystack.includes(needle)) continue;
    const lines = file.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!(query.caseSensitive ? line : line.toLowerCase()).includes(needle)) continue;
      if (hits.length === query.maxResults) return { hits, truncated: true, filesSearched: files.length };
      hits.push({ path: file.path, line: i + 1, text: line.slice(0, MAX_HIT_TEXT) });
    }
  }
  return { hits, truncated: false, filesSearched: files.length };
}

/** Runs inside the worker: self-contained, no imports, plain JavaScript once compiled. */
function regexWorkerMain(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const texts = new Map<string, string[]>((workerData as [string, string][]).map(([path, text]) => [path, text.split(/\r?\n/)]));
  parentPort!.on('message', (job: { id: number; pattern: string; flags: string; paths: string[]; maxResults: number; maxLine: number; maxHitText: number }) => {
    const regex = new RegExp(job.pattern, job.flags);
    const hits: { path: string; line: number; text: string }[] = [];
    let truncated = false;
    outer: for (const path of job.paths) {
      const lines = texts.get(path) ?? [];
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (!regex.test(line.length > job.maxLine ? line.slice(0, job.maxLine) : line)) continue;
        if (hits.length === job.maxResults) {
          truncated = true;
          break outer;
        }
        hits.push({ path, line: i + 1, text: line.slice(0, job.maxHitText) });
      }
    }
    parentPort!.postMessage({ id: job.id, result: { hits, truncated, filesSearched: job.paths.length } });
  });
}
