import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SystemMap } from '../../model/system-map.js';
import { ProbeContext } from '../../probes/context.js';
import { buildSystemMap } from '../../workflow/system-map.js';
import type { ToolContext } from '../context.js';
import { guarded, ok } from '../results.js';

export function registerSystemMap(server: McpServer, ctx: ToolContext): void {
  let cached: SystemMap | undefined;
  server.registerTool(
    'system_map',
    {
      title: 'System map',
      description: 'What is known about the system before reading it in depth: entry points, HTTP routes (and which are authenticated), data stores, external services, environment variables read, deploy files and trust boundaries.',
      inputSchema: {},
      outputSchema: SystemMap.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      guarded(ctx.redactor, async () => {
        const { view } = await ctx.workspace.view();
        cached ??= buildSystemMap(new ProbeContext(view));
        return ok(cached);
      }),
  );
}
