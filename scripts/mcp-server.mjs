#!/usr/bin/env node
// Starts the prod-audit MCP server for the Claude Code plugin. A plugin is installed as a plain copy
// of the repository, so on first start this installs the locked dependencies and builds dist/.
// stdout is the MCP protocol: everything this script or npm prints goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(args) {
  const result = spawnSync(npm, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) {
    process.stderr.write(`prod-audit: "npm ${args.join(' ')}" failed in ${root}; run it there by hand to see why.\n`);
    process.exit(1);
  }
}

if (!existsSync(path.join(root, 'node_modules'))) step(['ci', '--no-audit', '--no-fund']);
if (!existsSync(path.join(root, 'dist', 'bin.js'))) step(['run', 'build']);

// The audited repository is the project Claude Code runs in: its working directory.
process.argv = [process.argv[0], path.join(root, 'dist', 'bin.js'), 'mcp', '--root', process.env.CLAUDE_PROJECT_DIR || process.cwd()];
await import(pathToFileURL(path.join(root, 'dist', 'bin.js')).href);
