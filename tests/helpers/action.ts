import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
  if?: string;
}
interface ActionFile {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

export function loadYaml(file: string): unknown {
  return parseYaml(fs.readFileSync(file, 'utf8'));
}

export interface ActionRun {
  /** The job's result: the exit code of the first failing run step, or 0. */
  readonly exitCode: number;
  readonly ran: string[];
  /** `uses:` steps, which need GitHub, by what they use. */
  readonly skipped: string[];
  readonly outputs: Record<string, string>;
  readonly log: string;
  readonly summary: string;
}

/**
 * Runs a composite action's `run:` steps as GitHub does — bash -eo pipefail, the step's env and
 * working directory, GITHUB_OUTPUT collected between steps — with `${{ }}` expressions substituted.
 * Anything beyond inputs, github.action_path and steps.*.outputs is refused, so the test notices
 * syntax it does not model.
 */
export function runCompositeAction(actionDir: string, workspace: string, given: Record<string, string>): ActionRun {
  const action = loadYaml(path.join(actionDir, 'action.yml')) as ActionFile;
  if (action.runs.using !== 'composite') throw new Error(`Expected a composite action, got ${action.runs.using}`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, given[k] ?? v.default ?? '']));
  for (const key of Object.keys(given)) if (!(key in inputs)) throw new Error(`Unknown input ${key}`);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-runner-'));
  const summaryFile = path.join(temp, 'summary.md');
  const steps: Record<string, Record<string, string>> = {};
  const expr = (text: string): string =>
    text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => {
      let m: RegExpExecArray | null;
      if ((m = /^inputs\.([\w-]+)$/.exec(e))) return inputs[m[1]!] ?? '';
      if (e === 'github.action_path') return actionDir;
      if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return steps[m[1]!]?.[m[2]!] ?? '';
      throw new Error(`Unsupported expression: ${e}`);
    });
  const ran: string[] = [];
  const skipped: string[] = [];
  let log = '';
  let exitCode = 0;
  for (const step of action.runs.steps) {
    if (step.uses) {
      skipped.push(step.uses);
      continue;
    }
    if (exitCode !== 0) break;
    if (step.shell !== 'bash' || step.run === undefined) throw new Error(`Step "${step.name}" is neither uses: nor a bash run:`);
    const outputFile = path.join(temp, `output-${ran.length}`);
    fs.writeFileSync(outputFile, '');
    const script = path.join(temp, `step-${ran.length}.sh`);
    fs.writeFileSync(script, expr(step.run));
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expr(String(v))]));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: step['working-directory'] ? path.resolve(workspace, expr(step['working-directory'])) : workspace,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, GITHUB_ACTION_PATH: actionDir, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, RUNNER_TEMP: temp, ANTHROPIC_API_KEY: '' },
    });
    ran.push(step.name ?? step.run.split('\n')[0]!);
    log += result.stdout + result.stderr;
    if (step.id) steps[step.id] = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    exitCode = result.status ?? 1;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, expr(v.value)]));
  return { exitCode, ran, skipped, outputs, log, summary: fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8') : '' };
}
