import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLAUDE = path.resolve('node_modules/.bin/claude');
/** What a plugin install needs; copying only these keeps the test from copying node_modules. */
const PLUGIN_FILES = ['.claude-plugin', '.mcp.json', 'agents', 'commands', 'skills', 'scripts', 'package.json', 'package-lock.json'];

async function claude(args: string[], home: string) {
  return run(CLAUDE, args, { env: { ...process.env, HOME: home, CLAUDE_CONFIG_DIR: path.join(home, '.claude') }, timeout: 120_000 });
}

describe('the Claude Code plugin', () => {
  it('passes Claude Code\'s own validator in strict mode, plugin and marketplace', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-home-'));
    const plugin = await claude(['plugin', 'validate', '--strict', '.claude-plugin/plugin.json'], home);
    expect(plugin.stdout).toContain('Validation passed');
    const marketplace = await claude(['plugin', 'validate', '--strict', '.'], home);
    expect(marketplace.stdout).toContain('Validation passed');
  });

  it('installs from a local marketplace and lists the command, five agents, three skills and one MCP server', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-home-'));
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-plugin-'));
    for (const entry of PLUGIN_FILES) fs.cpSync(entry, path.join(copy, entry), { recursive: true });
    await claude(['plugin', 'marketplace', 'add', copy], home);
    await claude(['plugin', 'install', 'prod-audit@prod-audit'], home);
    const { stdout } = await claude(['plugin', 'details', 'prod-audit'], home);
    expect(stdout).toMatch(/Skills \(4\)\s+data-safety, observability, performance, prod-audit/);
    expect(stdout).toMatch(/Agents \(5\)\s+(?=.*system-explorer)(?=.*code-auditor)(?=.*security-auditor)(?=.*reliability-auditor)(?=.*ops-auditor)/);
    expect(stdout).toMatch(/MCP servers \(1\)\s+prod-audit/);
  }, 180_000);

  it('has one version: the plugin manifest agrees with package.json, and there is no second manifest', () => {
    const manifest = JSON.parse(fs.readFileSync('.claude-plugin/plugin.json', 'utf8')) as { version: string; name: string };
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string; name: string };
    expect({ name: manifest.name, version: manifest.version }).toEqual({ name: pkg.name, version: pkg.version });
    expect(fs.existsSync('plugin.json')).toBe(false);
  });
});

describe('the plugin\'s MCP server launcher', () => {
  it('serves the project Claude Code runs in (CLAUDE_PROJECT_DIR) over stdio', async () => {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['scripts/mcp-server.mjs'],
      env: { ...(process.env as Record<string, string>), CLAUDE_PROJECT_DIR: path.resolve('examples/clean-api') },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'plugin-test', version: '0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'list_files', arguments: { glob: 'Dockerfile' } });
      expect((result.structuredContent as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(['Dockerfile']);
    } finally {
      await client.close();
    }
  });
});
