/**
 * The labelled corpus of `npm run bench:quality` (bench/corpus/<app>/): reading its labels and
 * scoring a tool's reports against them. See bench/corpus/README.md for the label format.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CATEGORIES, type Category } from '../src/model/taxonomy.js';

export type LabelKind = 'vuln' | 'safe';

/** One labelled line: `line` is the code line the label speaks of, not the comment's own line. */
export interface Label {
  readonly file: string; // posix, relative to the corpus root: `<app>/<path>`
  readonly line: number;
  readonly kind: LabelKind;
  readonly category: Category;
}

/** One place a tool reported, already mapped to a category. Lines are 1-based and inclusive. */
export interface Report {
  readonly file: string; // posix, relative to the corpus root
  readonly startLine: number;
  readonly endLine: number;
  readonly category: Category;
  readonly rule: string;
}

export interface Corpus {
  readonly root: string;
  readonly apps: readonly string[];
  /** Every file of every app, relative to the corpus root, sorted. */
  readonly files: readonly string[];
  readonly labels: readonly Label[];
  /** Labels that could not be read (unknown category, nothing after them). */
  readonly problems: readonly string[];
}

/** Lines of the corpus's own files never worth reading (none exist today; kept for safety). */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * `// vuln: Security`, `# safe: Reliability`, `-- vuln: Recovery`, `/* safe: Throughput *\/`,
 * `{/* vuln: UI/UX Safety *\/}`, `<!-- safe: Security -->`: the whole line is the label.
 */
const LABEL = /^\s*(?:\/\/|#|--|\{?\/\*|<!--)\s*(vuln|safe)\s*:\s*(.+?)\s*(?:\*\/\}?|-->)?\s*$/;

export async function readCorpus(root: string): Promise<Corpus> {
  const apps = (await fs.readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !SKIPPED_DIRS.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  const files: string[] = [];
  for (const app of apps) await walk(root, app, files);
  files.sort();

  const labels: Label[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const lines = (await fs.readFile(path.join(root, file), 'utf8')).split(/\r?\n/);
    let pending: { kind: LabelKind; category: Category; at: number }[] = [];
    lines.forEach((text, index) => {
      const match = LABEL.exec(text);
      if (match) {
        const category = match[2] as Category;
        if (!(CATEGORIES as readonly string[]).includes(category)) {
          problems.push(`${file}:${index + 1}: unknown category "${match[2]}"`);
          return;
        }
        pending.push({ kind: match[1] as LabelKind, category, at: index + 1 });
        return;
      }
      if (pending.length === 0) return;
      if (text.trim() === '') {
        problems.push(`${file}:${pending[0]!.at}: label followed by a blank line`);
        pending = [];
        return;
      }
      // Consecutive labels all speak of the first line after them.
      for (const label of pending) labels.push({ file, line: index + 1, kind: label.kind, category: label.category });
      pending = [];
    });
    if (pending.length > 0) problems.push(`${file}:${pending[0]!.at}: label at the end of the file`);
  }
  return { root, apps, files, labels, problems };
}

/**
 * The corpus as the tools see it: every file copied under `dir` with each label line blanked, so that
 * line numbers hold and no tool reads the answers (a `vuln:` comment inside a catch block would read as
 * a written reason for ignoring the error, say).
 */
export async function copyWithoutLabels(corpus: Corpus, dir: string): Promise<Corpus> {
  for (const file of corpus.files) {
    const text = await fs.readFile(path.join(corpus.root, file), 'utf8');
    const bare = text
      .split(/(?<=\n)/)
      .map((line) => {
        const text = line.replace(/\r?\n$/, '');
        return LABEL.test(text) ? line.slice(text.length) : line;
      })
      .join('');
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), bare);
  }
  return { ...corpus, root: dir };
}

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(root, child, out);
    } else if (entry.isFile()) out.push(child);
  }
}

/** A report speaks of a labelled line when its range, widened by one line each side, holds it. */
export const LINE_TOLERANCE = 1;

function covers(report: Report, label: Label): boolean {
  return (
    report.file === label.file &&
    report.category === label.category &&
    report.startLine - LINE_TOLERANCE <= label.line &&
    label.line <= report.endLine + LINE_TOLERANCE
  );
}

export type FalsePositiveKind = 'trap' | 'unlabeled';

export interface Score {
  /** Labelled vulns the tool found, and which reports found each. */
  readonly found: Map<Label, Report[]>;
  readonly missed: Label[];
  readonly falsePositives: { report: Report; kind: FalsePositiveKind }[];
  /** Distinct reports after merging identical (file, range, category). */
  readonly reports: number;
}

/** Merges reports naming the same range and category (two rules on one line are one report). */
export function distinctReports(reports: readonly Report[]): Report[] {
  const byKey = new Map<string, Report>();
  for (const report of reports) {
    const key = `${report.file}\0${report.startLine}\0${report.endLine}\0${report.category}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, rule: [...new Set([...seen.rule.split(', '), report.rule])].sort().join(', ') } : report);
  }
  return [...byKey.values()].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.startLine - b.startLine || a.endLine - b.endLine || (a.category < b.category ? -1 : 1)),
  );
}

/**
 * A vuln is found when any report of its category covers it. A report that covers no vuln of its
 * category is a false positive: on a trap when it covers a `safe` label of its category, otherwise
 * on an unlabelled line (which includes lines labelled only with other categories).
 */
export function score(labels: readonly Label[], rawReports: readonly Report[]): Score {
  const reports = distinctReports(rawReports);
  const vulns = labels.filter((label) => label.kind === 'vuln');
  const traps = labels.filter((label) => label.kind === 'safe');
  const found = new Map<Label, Report[]>();
  const falsePositives: Score['falsePositives'] = [];
  for (const report of reports) {
    const hits = vulns.filter((label) => covers(report, label));
    if (hits.length > 0) {
      for (const hit of hits) found.set(hit, [...(found.get(hit) ?? []), report]);
      continue;
    }
    falsePositives.push({ report, kind: traps.some((label) => covers(report, label)) ? 'trap' : 'unlabeled' });
  }
  const missed = vulns.filter((label) => !found.has(label));
  return { found, missed, falsePositives, reports: reports.length };
}

export interface Tally {
  readonly vulns: number;
  readonly tp: number;
  readonly fpTrap: number;
  readonly fpUnlabeled: number;
}

export function tally(labels: readonly Label[], result: Score, category?: Category): Tally {
  const inCategory = (c: Category): boolean => category === undefined || c === category;
  const fps = result.falsePositives.filter((fp) => inCategory(fp.report.category));
  return {
    vulns: labels.filter((label) => label.kind === 'vuln' && inCategory(label.category)).length,
    tp: [...result.found.keys()].filter((label) => inCategory(label.category)).length,
    fpTrap: fps.filter((fp) => fp.kind === 'trap').length,
    fpUnlabeled: fps.filter((fp) => fp.kind === 'unlabeled').length,
  };
}

export function recall(t: Tally): number | null {
  return t.vulns === 0 ? null : t.tp / t.vulns;
}

export function precision(t: Tally): number | null {
  const reported = t.tp + t.fpTrap + t.fpUnlabeled;
  return reported === 0 ? null : t.tp / reported;
}
