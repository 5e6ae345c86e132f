import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { VERSION } from '../version.js';
import { buildServer, type ServerOptions } from './server.js';

export interface RepoToolsConnection {
  readonly client: Client;
  close(): Promise<void>;
}

/** The repository tools in this process, over the in-memory transport: no process, no serialisation to a pipe. */
export async function connectInMemory(options: ServerOptions): Promise<RepoToolsConnection> {
  const built = buildServer(options);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await built.server.connect(serverSide);
  const client = new Client({ name: 'prod-audit-agent', version: VERSION });
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      await built.close();
    },
  };
}

/** The repository tools in a child `prod-audit mcp` process, over stdio. */
export async function connectStdio(root: string, options: { bin?: string } = {}): Promise<RepoToolsConnection> {
  const bin = options.bin ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin.js');
  const transport = new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp', '--root', root], stderr: 'pipe' });
  const client = new Client({ name: 'prod-audit-agent', version: VERSION });
  await client.connect(transport);
  return { client, close: () => client.close() };
}
