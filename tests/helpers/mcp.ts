import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** Calls a tool and returns the result with its first text block, for assertions. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}, options?: { onprogress?: (p: unknown) => void }) {
  const result = (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return { ...result, text, structured: result.structuredContent as Record<string, any> | undefined };
}
