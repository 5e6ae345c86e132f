import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ToolContext } from '../context.js';
import { guarded, ok, ToolRefused } from '../results.js';

const MAX_DIFF_CHARS = 200_000;
/** A single revision: branch, tag, hash, HEAD~2, main@{1}. Never an option (`--output=…`) or a range. */
const REF = /^(?!-)(?!.*\.\.)[\w./~^@{}+-]{1,200}$/;
const Ref = z.string().regex(REF, 'a single git revision such as main, v1.2.0, a commit hash or HEAD~3');

/** Fails with a clear refusal when the root is not a git work tree or the ref does not exist. */
async function checkRef(ctx: ToolContext, ref?: string): Promise<void> {
  const git = ctx.git();
  if (!(await git.checkIsRepo().catch(() => false))) throw new ToolRefused('The audited folder is not a git repository, so there is no history to read');
  if (ref === undefined) return;
  const resolved = await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '');
  if (!resolved.trim()) throw new ToolRefused(`Unknown git revision "${ref}" (in a shallow clone, fetch more history first)`);
}

/** Limits history to the audited folder (which may sit inside a larger repository) or to one path in it. */
async function pathArgs(ctx: ToolContext, path: string | undefined): Promise<string[]> {
  return ['--', path === undefined ? '.' : await ctx.workspace.gitPath(path)];
}

export function registerGitTools(server: McpServer, ctx: ToolContext): void {
  const annotations = { readOnlyHint: true, openWorldHint: false };

  server.registerTool(
    'git_log',
    {
      title: 'Git log',
      description: 'Lists recent commits (hash, date, author name, subject), optionally only those touching a path or made since a revision.',
      inputSchema: {
        path: z.string().max(1000).optional().describe('Only commits that touch this path (relative to the root)'),
        since: Ref.optional().describe('Only commits after this revision'),
        maxCount: z.number().int().min(1).max(200).default(20).describe('How many commits at most'),
      },
      outputSchema: { commits: z.array(z.object({ hash: z.string(), date: z.string(), author: z.string(), subject: z.string() })) },
      annotations,
    },
    ({ path, since, maxCount }) =>
      guarded(ctx.redactor, async () => {
        await checkRef(ctx, since);
        const range = since ? [`${since}..HEAD`] : [];
        const raw = await ctx.git().raw(['log', `--max-count=${maxCount}`, '--format=%H%x1f%aI%x1f%an%x1f%s', ...range, ...(await pathArgs(ctx, path))]);
        const commits = raw.split('\n').filter(Boolean).map((line) => {
          const [hash = '', date = '', author = '', subject = ''] = line.split('\x1f');
          return { hash, date, author, subject };
        });
        return ok({ commits });
      }),
  );

  server.registerTool(
    'git_diff',
    {
      title: 'Git diff',
      description: 'Shows what changed between a revision and the working tree: per-file line counts and the unified diff (capped, secrets redacted).',
      inputSchema: {
        since: Ref.describe('The revision to compare against, e.g. main or HEAD~5'),
        path: z.string().max(1000).optional().describe('Only this path (relative to the root)'),
      },
      outputSchema: {
        since: z.string(),
        files: z.array(z.object({ path: z.string(), insertions: z.number(), deletions: z.number() })),
        diff: z.string(),
        truncated: z.boolean(),
      },
      annotations,
    },
    ({ since, path }) =>
      guarded(ctx.redactor, async () => {
        await checkRef(ctx, since);
        const paths = await pathArgs(ctx, path);
        const numstat = await ctx.git().raw(['diff', '--numstat', '--end-of-options', since, ...paths]);
        const files = numstat.split('\n').filter(Boolean).map((line) => {
          const [insertions = '0', deletions = '0', file = ''] = line.split('\t');
          return { path: file, insertions: Number(insertions) || 0, deletions: Number(deletions) || 0 };
        });
        const diff = await ctx.git().raw(['diff', '--end-of-options', since, ...paths]);
        const truncated = diff.length > MAX_DIFF_CHARS;
        return ok({ since, files, diff: truncated ? `${diff.slice(0, MAX_DIFF_CHARS)}\n… diff truncated; ask for one path at a time.` : diff, truncated });
      }),
  );

  server.registerTool(
    'git_blame',
    {
      title: 'Git blame',
      description: 'Shows who last changed each line of a range of a file, and when.',
      inputSchema: {
        path: z.string().min(1).max(1000).describe('File path relative to the root'),
        startLine: z.number().int().min(1).describe('First line (1-based)'),
        endLine: z.number().int().min(1).describe('Last line (inclusive); at most 500 lines after startLine'),
      },
      outputSchema: { lines: z.array(z.object({ line: z.number(), hash: z.string(), author: z.string(), date: z.string(), text: z.string() })) },
      annotations,
    },
    ({ path, startLine, endLine }) =>
      guarded(ctx.redactor, async () => {
        if (endLine < startLine || endLine - startLine > 500) throw new ToolRefused(`Expected 1–501 lines with endLine ≥ startLine, got ${startLine}–${endLine}`);
        await checkRef(ctx);
        const file = await ctx.workspace.file(path);
        if (startLine > file.lines.length) throw new ToolRefused(`Line ${startLine} is past the end of ${file.path} (${file.lines.length} lines)`);
        const raw = await ctx.git().raw(['blame', '--porcelain', '-L', `${startLine},${Math.min(endLine, file.lines.length)}`, '--', file.path]);
        return ok({ lines: parsePorcelain(raw) });
      }),
  );
}

/** `git blame --porcelain`: a header per line, commit details the first time a commit appears. */
function parsePorcelain(raw: string): { line: number; hash: string; author: string; date: string; text: string }[] {
  const commits = new Map<string, { author: string; date: string }>();
  const out: { line: number; hash: string; author: string; date: string; text: string }[] = [];
  let current: { hash: string; line: number } | undefined;
  for (const row of raw.split('\n')) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(row);
    if (header) {
      current = { hash: header[1]!, line: Number(header[2]) };
      if (!commits.has(current.hash)) commits.set(current.hash, { author: '', date: '' });
    } else if (current && row.startsWith('author ')) commits.get(current.hash)!.author = row.slice(7);
    else if (current && row.startsWith('author-time ')) commits.get(current.hash)!.date = new Date(Number(row.slice(12)) * 1000).toISOString();
    else if (current && row.startsWith('\t')) {
      const info = commits.get(current.hash)!;
      out.push({ line: current.line, hash: current.hash, author: info.author, date: info.date, text: row.slice(1) });
    }
  }
  return out;
}
