import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ToolContext } from '../context.js';
import { guarded, ok, ToolRefused } from '../results.js';

export const MAX_READ_LINES = 2000;
export const MAX_READ_CHARS = 200_000;

export function registerReadFile(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'read_file',
    {
      title: 'Read file',
      description: `Reads a text file of the repository with numbered lines (at most ${MAX_READ_LINES} lines per call; a notice says how to read on). Secrets are redacted.`,
      inputSchema: {
        path: z.string().min(1).max(1000).describe('Path relative to the repository root, e.g. "src/app.ts"'),
        startLine: z.number().int().min(1).optional().describe('First line to return (1-based); default 1'),
        endLine: z.number().int().min(1).optional().describe('Last line to return (inclusive); default the end of the file'),
      },
      outputSchema: {
        path: z.string(),
        startLine: z.number(),
        endLine: z.number(),
        totalLines: z.number(),
        truncated: z.boolean().describe('True when the range was cut at the size cap'),
        text: z.string().describe('The lines, each prefixed with its number'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path, startLine = 1, endLine }) =>
      guarded(ctx.redactor, async () => {
        const file = await ctx.workspace.file(path);
        const total = file.lines.length;
        if (startLine > total) throw new ToolRefused(`Line ${startLine} is past the end of ${file.path} (${total} lines)`);
        const last = Math.min(endLine ?? total, total);
        if (last < startLine) throw new ToolRefused(`Expected endLine ≥ startLine, got ${startLine}–${endLine}`);
        const { text, through } = numbered(file.lines, startLine, Math.min(last, startLine + MAX_READ_LINES - 1));
        const truncated = through < last;
        const notice = truncated ? `\n… truncated at line ${through} of ${total}: call read_file again with startLine=${through + 1}.` : '';
        return ok({ path: file.path, startLine, endLine: through, totalLines: total, truncated, text }, `${file.path} (${total} lines)\n${text}${notice}`);
      }),
  );
}

/** Numbered lines from `start` to at most `end`, stopping early at the character cap. */
function numbered(lines: readonly string[], start: number, end: number): { text: string; through: number } {
  const width = String(end).length;
  const out: string[] = [];
  let chars = 0;
  let through = start - 1;
  for (let n = start; n <= end; n++) {
    const line = `${String(n).padStart(width)}| ${lines[n - 1]}`;
    if (chars + line.length > MAX_READ_CHARS && out.length > 0) break;
    out.push(line.length > MAX_READ_CHARS ? `${line.slice(0, MAX_READ_CHARS)} …[line cut]` : line);
    chars += line.length + 1;
    through = n;
  }
  return { text: out.join('\n'), through };
}
