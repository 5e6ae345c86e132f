import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { buildServer } from './server.js';

/**
 * Serves the tools over stdin/stdout until the client disconnects. stdout is the protocol:
 * everything else this process says goes to stderr.
 */
export async function serveStdio(root: string): Promise<void> {
  const built = buildServer({ root });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await built.server.connect(transport);
  process.stderr.write(`prod-audit mcp: serving ${root} over stdio\n`);
  await closed;
  await built.close();
}
