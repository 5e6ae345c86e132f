import { simpleGit } from 'simple-git';

export interface GitFacts {
  readonly head: string | null;
  readonly branch: string | null;
  readonly dirty: boolean;
}

/** Reads HEAD and working-tree state. A folder that is not a git work tree gives null, not an error. */
export async function readGitFacts(root: string): Promise<GitFacts | null> {
  const git = simpleGit({ baseDir: root, timeout: { block: 10_000 } });
  try {
    if (!(await git.checkIsRepo())) return null;
    const status = await git.status();
    const head = await git.revparse(['HEAD']).catch(() => null);
    return { head: head?.trim() || null, branch: status.current ?? null, dirty: !status.isClean() };
  } catch {
    // git missing, or a corrupt repository: the audit goes on without git facts.
    return null;
  }
}
