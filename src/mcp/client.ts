import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { VERSION } from '../version.js';
import { RepoToolsClient } from './resilient.js';
import { buildServer, type BuiltServer, type ServerOptions } from './server.js';

export interface RepoToolsConnection {
  readonly client: Client;
  close(): Promise<void>;
}

/** A running in-memory server, as a fault-injection test sees it. */
export interface InMemoryServerHandle {
  /** Closes the server's end of the connection, as a crash would: calls in flight and later ones find it gone. */
  crash(): Promise<void>;
  /** The server stops reading requests: every call from now on goes unanswered. */
  hang(): void;
}

const serverWatchers = new Set<(server: InMemoryServerHandle) => void>();

/**
 * Test seam for fault injection: `watcher` sees every in-memory server as it starts, restarts
 * included. The audit itself never registers one. Returns the function that unregisters it.
 */
export function watchInMemoryServers(watcher: (server: InMemoryServerHandle) => void): () => void {
  serverWatchers.add(watcher);
  return () => serverWatchers.delete(watcher);
}

/**
 * The repository tools in this process, over the in-memory transport: no process, no serialisation
 * to a pipe. The client restarts the server once when it finds the connection gone (RepoToolsClient).
 */
export async function connectInMemory(options: ServerOptions): Promise<RepoToolsConnection> {
  let built: BuiltServer | undefined;
  const startServer = async () => {
    await built?.close().catch(() => {});
    built = buildServer(options);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await built.server.connect(serverSide);
    const handle: InMemoryServerHandle = {
      crash: () => serverSide.close(),
      hang: () => {
        serverSide.onmessage = undefined;
      },
    };
    for (const watcher of serverWatchers) watcher(handle);
    return clientSide;
  };
  const client = new RepoToolsClient({ name: 'prod-audit-agent', version: VERSION }, startServer);
  await client.connect(await startServer());
  return {
    client,
    close: async () => {
      await client.end();
      await built?.close();
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
