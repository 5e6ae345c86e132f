/**
 * MCP tool latency: read_file and search, over the in-memory transport and over stdio against the
 * built CLI. Prints one Markdown table; run by `npm run bench`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { connectInMemory, connectStdio, type RepoToolsConnection } from '../src/mcp/client.js';

const CALLS = 300;
const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '..');

interface Row {
  tree: string;
  transport: string;
  tool: string;
  median: number;
  p95: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(conn: RepoToolsConnection, name: string, argsFor: (i: number) => Record<string, unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 20; i++) await conn.client.callTool({ name, arguments: argsFor(i) }); // warm-up: collection, worker start, JIT
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    const result = await conn.client.callTool({ name, arguments: argsFor(i) });
    times.push(performance.now() - started);
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

async function benchTree(tree: string, root: string): Promise<Row[]> {
  const real = fs.realpathSync(root);
  const rows: Row[] = [];
  for (const transport of ['in-memory', 'stdio'] as const) {
    const conn = transport === 'in-memory' ? await connectInMemory({ root: real }) : await connectStdio(real, { bin: path.join(repo, 'dist', 'bin.js') });
    try {
      const listing = (await conn.client.callTool({ name: 'list_files', arguments: { glob: '*.ts', limit: 1000 } })).structuredContent as { files: { path: string }[] };
      const files = listing.files.map((f) => f.path);
      const words = ['import', 'async', 'export const', 'await', 'return'];
      const read = await measure(conn, 'read_file', (i) => ({ path: files[i % files.length], startLine: 1, endLine: 200 }));
      const literal = await measure(conn, 'search', (i) => ({ pattern: words[i % words.length], maxResults: 50 }));
      const regex = await measure(conn, 'search', (i) => ({ pattern: `${words[i % words.length]}\\s+\\w+`, regex: true, maxResults: 50 }));
      rows.push({ tree, transport, tool: 'read_file (200 lines)', ...read }, { tree, transport, tool: 'search (literal)', ...literal }, { tree, transport, tool: 'search (regex, in worker)', ...regex });
    } finally {
      await conn.close();
    }
  }
  return rows;
}

export async function benchMcp(): Promise<void> {
  const rows = [...(await benchTree('examples/flawed-shop', path.join(repo, 'examples', 'flawed-shop'))), ...(await benchTree('this repository', repo))];
  console.log(`\nMCP tool latency, ${CALLS} calls each after warm-up (ms)\n`);
  console.log('| tree | transport | call | median ms | p95 ms |');
  console.log('| --- | --- | --- | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.tree} | ${r.transport} | ${r.tool} | ${r.median.toFixed(2)} | ${r.p95.toFixed(2)} |`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(here, 'mcp.ts')) await benchMcp();
