#!/usr/bin/env node
import { createInterface } from 'node:readline/promises';
import { INTERRUPTED_EXIT, main, type InterruptWatch } from './cli.js';

/** A yes/no question on the terminal; only offered when a person is there to answer it. */
async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * The first Ctrl-C or SIGTERM asks the audit to stop gracefully (agents stop, an INCOMPLETE report is
 * written, checkpoints are already on disk); a second one quits at once.
 */
function watchInterrupts(): InterruptWatch {
  const controller = new AbortController();
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT[signal] ?? 130);
    process.stderr.write(`\nprod-audit: ${signal} received: stopping the agents and writing what is known (again to quit at once).\n`);
    controller.abort(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  return { signal: controller.signal, dispose: () => signals.forEach((signal) => process.off(signal, onSignal)) };
}

const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY && !process.env.CI);
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  watchInterrupts,
  ...(interactive ? { ask } : {}),
});
