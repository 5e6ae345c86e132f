#!/usr/bin/env node
import { createInterface } from 'node:readline/promises';
import { main } from './cli.js';

/** A yes/no question on the terminal; only offered when a person is there to answer it. */
async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY && !process.env.CI);
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  ...(interactive ? { ask } : {}),
});
