import { simpleGit, type SimpleGit } from 'simple-git';
import { UserError } from '../errors.js';

/** A 1-based, inclusive span of lines in the working-tree version of a file. */
export interface LineSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * What changed between a ref and the working tree, as seen from the audited root. `lines` is 'all'
 * for files the ref does not have (added, or untracked); otherwise the spans of added or edited lines.
 */
export interface ChangeSet {
  readonly since: string;
  /** The commit compared against: the merge-base of the ref and HEAD when it is known, else the ref itself. */
  readonly base: string;
  readonly mergeBase: boolean;
  readonly files: ReadonlyMap<string, readonly LineSpan[] | 'all'>;
  /** Why the comparison is not the usual one (e.g. a shallow clone without the merge-base). */
  readonly note: string | null;
}

/** A single revision; never an option (`--output=…`) or a range (`a..b`). */
const REF = /^(?!-)(?!.*\.\.)[\w./~^@{}+-]{1,200}$/;

/**
 * Reads the change set through simple-git. The merge-base is used (what a pull request shows: only
 * this branch's changes, not what landed on the ref meanwhile); when history is too shallow to have
 * one, the ref itself is the base — more lines count as changed, never fewer.
 */
export async function readChangeSet(root: string, since: string): Promise<ChangeSet> {
  if (!REF.test(since)) {
    throw new UserError(`Expected --since to be one git revision (a branch, tag, commit or HEAD~N), got "${since}"`, 'For example --since origin/main.');
  }
  const git = simpleGit({ baseDir: root, timeout: { block: 30_000 } });
  if (!(await git.checkIsRepo().catch(() => false))) {
    throw new UserError(`--since needs a git repository, and ${root} is not in one`, 'Run without --since for a full audit, or audit a git checkout.');
  }
  const shallow = (await git.raw(['rev-parse', '--is-shallow-repository']).catch(() => 'false')).trim() === 'true';
  const ref = await resolve(git, since);
  if (!ref) {
    const hint = shallow
      ? `This is a shallow clone: fetch the ref first, e.g. "git fetch --depth=50 origin ${since.replace(/^origin\//, '')}" or "git fetch --unshallow".`
      : 'Check the spelling, or fetch it first (e.g. "git fetch origin").';
    throw new UserError(`Unknown git revision "${since}" for --since`, hint);
  }
  const mergeBase = (await git.raw(['merge-base', ref, 'HEAD']).catch(() => '')).trim();
  const base = mergeBase || ref;
  const note = mergeBase ? null : `no merge-base of ${since} and HEAD in this ${shallow ? 'shallow clone' : 'repository'}; compared with ${since} itself`;
  const diff = await git.raw(['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '-U0', '--find-renames', '--relative', '--no-prefix', base, '--', '.']);
  const files = parseUnifiedDiff(diff);
  const untracked = await git.raw(['-c', 'core.quotePath=false', 'ls-files', '--others', '--exclude-standard', '--', '.']);
  for (const file of untracked.split('\n').filter(Boolean)) files.set(file, 'all');
  return { since, base, mergeBase: Boolean(mergeBase), files, note };
}

async function resolve(git: SimpleGit, ref: string): Promise<string | undefined> {
  const out = await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '');
  return out.trim() || undefined;
}

/** Reads `-U0 --no-prefix` output: the new path of each file and the new-side span of each hunk. */
export function parseUnifiedDiff(diff: string): Map<string, LineSpan[] | 'all'> {
  const files = new Map<string, LineSpan[] | 'all'>();
  let current: string | undefined;
  let added = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
      added = false;
    } else if (line.startsWith('new file mode')) {
      added = true;
    } else if (line.startsWith('+++ ')) {
      const target = unquote(line.slice(4));
      current = target === '/dev/null' ? undefined : target;
      if (current) files.set(current, added ? 'all' : []);
    } else if (current && line.startsWith('@@ ')) {
      const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      const spans = files.get(current);
      if (!match || spans === 'all' || !spans) continue;
      const start = Number(match[1]);
      const count = match[2] === undefined ? 1 : Number(match[2]);
      // A pure deletion adds no line to blame; a finding next to it is not new.
      if (count > 0) spans.push({ start, end: start + count - 1 });
    }
  }
  return files;
}

/** git quotes paths with unusual bytes even with core.quotePath=false; undo the common escapes. */
function unquote(raw: string): string {
  const text = raw.replace(/\t$/, '');
  if (!text.startsWith('"')) return text;
  return text.slice(1, -1).replace(/\\(["\\tn])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
}

/** Whether a cited span touches a changed line of its file. */
export function touchesChange(changes: ChangeSet, file: string, start: number, end: number): boolean {
  const spans = changes.files.get(file);
  if (!spans) return false;
  if (spans === 'all') return true;
  return spans.some((s) => s.start <= end && start <= s.end);
}

/** Only the changed files the audit reads: reports, lockfiles and ignored output are not code to judge. */
export function restrictTo(changes: ChangeSet, audited: ReadonlySet<string>): ChangeSet {
  return { ...changes, files: new Map([...changes.files].filter(([file]) => audited.has(file))) };
}
