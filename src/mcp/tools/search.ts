import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ToolContext } from '../context.js';
import { globFilter } from '../glob.js';
import { guarded, ok } from '../results.js';
import { MAX_PATTERN_LENGTH } from '../search.js';

export function registerSearch(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'search',
    {
      title: 'Search',
      description: 'Finds lines matching a literal string or a regular expression across the audited files; returns file:line:text hits. Regular expressions run under a time limit.',
      inputSchema: {
        pattern: z.string().min(1).max(MAX_PATTERN_LENGTH).describe('What to find: a literal string, or a JavaScript regular expression when regex is true'),
        regex: z.boolean().default(false).describe('Treat pattern as a regular expression'),
        caseSensitive: z.boolean().default(false).describe('Match case exactly'),
        glob: z.string().max(500).optional().describe('Only files whose path matches this glob, e.g. "src/**/*.ts" or "*.sql"'),
        maxResults: z.number().int().min(1).max(1000).default(100).describe('Stop after this many hits'),
      },
      outputSchema: {
        hits: z.array(z.object({ path: z.string(), line: z.number(), text: z.string() })),
        truncated: z.boolean().describe('True when more hits exist than maxResults'),
        filesSearched: z.number(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ pattern, regex, caseSensitive, glob, maxResults }) =>
      guarded(ctx.redactor, async () => {
        const searcher = await ctx.searcher();
        const result = await searcher.search({ pattern, regex, caseSensitive, maxResults, filter: globFilter(glob) });
        const lines = result.hits.map((hit) => `${hit.path}:${hit.line}: ${hit.text}`);
        if (result.truncated) lines.push(`… more hits than maxResults=${maxResults}; narrow the pattern or the glob.`);
        return ok({ ...result }, lines.length > 0 ? lines.join('\n') : `No match in ${result.filesSearched} files.`);
      }),
  );
}
