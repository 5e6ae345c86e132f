import { simpleGit, type SimpleGit } from 'simple-git';
import { Searcher } from './search.js';
import type { Workspace } from './workspace.js';

/** What every tool handler shares: the sandboxed workspace, the searcher, git, and the last audit. */
export class ToolContext {
  private searcherPromise: Promise<Searcher> | undefined;
  private gitClient: SimpleGit | undefined;
  /** Report paths of the last run_audit, so get_verdict finds reports written with a custom `out`. */
  lastReportPaths: string[] = [];

  constructor(
    readonly workspace: Workspace,
    private readonly searchTimeoutMs: number,
  ) {}

  searcher(): Promise<Searcher> {
    this.searcherPromise ??= this.workspace.view().then(({ view }) => new Searcher(view.files, this.searchTimeoutMs));
    return this.searcherPromise;
  }

  git(): SimpleGit {
    this.gitClient ??= simpleGit({ baseDir: this.workspace.root, timeout: { block: 15_000 } });
    return this.gitClient;
  }

  redactor = (): ReturnType<Workspace['redactor']> => this.workspace.redactor();

  async close(): Promise<void> {
    (await this.searcherPromise?.catch(() => undefined))?.close();
  }
}
