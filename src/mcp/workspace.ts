import { collectRepo, type CollectOptions } from '../repo/collect.js';
import { redactorFor } from '../repo/redactor.js';
import { PathRefused, resolveInside } from '../repo/sandbox.js';
import type { Redactor } from '../repo/secrets.js';
import type { RepoView, SkipReason, SourceFile } from '../repo/view.js';

const SKIP_EXPLANATION: Record<SkipReason, string> = {
  'too-large': 'it is larger than the size limit',
  binary: 'it is a binary file',
  'not-utf8': 'it is not valid UTF-8 text',
  symlink: 'it is a symlink, and links are never followed',
  unreadable: 'it cannot be read',
  'special-file': 'it is a device, socket or pipe, not a regular file',
  'unsafe-name': 'its name holds control characters, a bidirectional override or a secret',
};

/**
 * The one place the MCP tools reach the target. Every path is resolved against the real root
 * and must stay inside it; content is served from the collected view, so the tools see exactly
 * what the probes saw (same excludes, limits and refusals), and every text leaves redacted.
 */
export class Workspace {
  private collected: Promise<{ view: RepoView; redactor: Redactor }> | undefined;

  constructor(
    readonly root: string,
    private readonly options: CollectOptions = {},
    snapshot?: RepoView,
  ) {
    if (snapshot) this.collected = Promise.resolve({ view: snapshot, redactor: redactorFor(snapshot) });
  }

  /** Collected once, on first use: the repository is treated as a snapshot for the server's lifetime. */
  async view(): Promise<{ view: RepoView; redactor: Redactor }> {
    this.collected ??= collectRepo(this.root, { git: false, ...this.options }).then((view) => ({ view, redactor: redactorFor(view) }));
    return this.collected;
  }

  async redactor(): Promise<Redactor> {
    return (await this.view()).redactor;
  }

  /** A text file of the audited tree, or a PathRefused saying exactly why not. */
  async file(requested: string): Promise<SourceFile> {
    const { view } = await this.view();
    const { relative } = resolveInside(view.root, requested);
    const file = view.files.find((f) => f.path === relative);
    if (file) return file;
    const skipped = view.skipped.find((s) => s.path === relative || s.path === `${relative}/`);
    if (skipped) throw new PathRefused(requested, SKIP_EXPLANATION[skipped.reason]);
    throw new PathRefused(requested, 'it is not part of the audited tree (a folder, or excluded by .gitignore or the default excludes)');
  }

  /** A path for git: inside the root, with no option-like spelling. */
  async gitPath(requested: string): Promise<string> {
    const { view } = await this.view();
    if (requested.startsWith('-')) throw new PathRefused(requested, 'paths may not start with "-"');
    return resolveInside(view.root, requested).relative;
  }
}
