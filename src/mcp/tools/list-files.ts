import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ToolContext } from '../context.js';
import { globFilter } from '../glob.js';
import { guarded, ok } from '../results.js';

export function registerListFiles(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'list_files',
    {
      title: 'List files',
      description: 'Lists the audited text files of the repository (honouring .gitignore and the default excludes), with language and size, a page at a time.',
      inputSchema: {
        glob: z.string().max(500).optional().describe('Only paths matching this glob, e.g. "src/**/*.ts"; a glob without "/" matches file names anywhere ("*.sql")'),
        offset: z.number().int().min(0).default(0).describe('Index of the first file to return, for paging'),
        limit: z.number().int().min(1).max(1000).default(200).describe('How many files to return at most'),
      },
      outputSchema: {
        files: z.array(z.object({ path: z.string(), language: z.string(), bytes: z.number() })),
        total: z.number().describe('Files matching the glob'),
        nextOffset: z.number().nullable().describe('Offset of the next page, or null on the last page'),
        skipped: z.number().describe('Files not audited (binary, too large, symlinks…), for the whole tree'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ glob, offset, limit }) =>
      guarded(ctx.redactor, async () => {
        const { view } = await ctx.workspace.view();
        const matching = view.files.filter((file) => globFilter(glob)(file.path));
        const page = matching.slice(offset, offset + limit).map((file) => ({ path: file.path, language: file.language, bytes: file.bytes }));
        const nextOffset = offset + limit < matching.length ? offset + limit : null;
        return ok({ files: page, total: matching.length, nextOffset, skipped: view.skipped.length });
      }),
  );
}
