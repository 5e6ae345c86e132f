import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS } from '../../src/report/write.js';
import { git } from '../helpers/git.js';
import { loadYaml, runCompositeAction } from '../helpers/action.js';
import { makeTree } from '../helpers/tree.js';

const ACTION_DIR = path.resolve('.');
// The action asks for SARIF by default; until this build writes it, run with the formats it has.
const FORMAT = ['md', 'json', 'sarif'].filter((f) => (REPORT_FORMATS as readonly string[]).includes(f)).join(',');
const NEEDS_GITHUB = ['actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3'];
const RUN_STEPS = ['Install and build prod-audit', 'Audit', 'Apply the gate'];

/** A workspace holding a copy of an example, as actions/checkout would leave it. */
function workspaceWith(example: string): string {
  const workspace = makeTree({});
  fs.cpSync(`examples/${example}`, path.join(workspace, 'app'), { recursive: true });
  return workspace;
}

describe('action.yml, its run: steps executed locally in order', () => {
  it('flawed-shop: the audit blocks, outputs name the reports, the job fails with exit 1', () => {
    const workspace = workspaceWith('flawed-shop');
    const run = runCompositeAction(ACTION_DIR, workspace, { path: 'app', context: 'First public launch, ~5k MAU', format: FORMAT });
    expect(run.skipped).toEqual(NEEDS_GITHUB);
    expect(run.ran).toEqual(RUN_STEPS);
    expect(run.log).toContain('prod-audit is already installed and built');
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ 'exit-code': '1', rating: 'NOT READY', blocked: 'true' });
    const dir = path.join(fs.realpathSync(workspace), 'app', 'packages', 'docs', 'audits');
    expect(run.outputs['report-md']).toMatch(new RegExp(`^${dir}/\\d{8}T\\d{6}Z-app\\.md$`));
    expect(fs.existsSync(run.outputs['report-json']!)).toBe(true);
    expect(run.outputs.sarif).toBe(FORMAT.includes('sarif') ? run.outputs['report-md']!.replace(/\.md$/, '.sarif') : '');
    expect(run.summary).toMatch(/^# Production Readiness Audit: app/);
    expect(run.log).toContain('prod-audit: blocked by the gate');
  });

  it('clean-api: the gate passes and the job succeeds', () => {
    const run = runCompositeAction(ACTION_DIR, workspaceWith('clean-api'), { path: 'app', format: FORMAT });
    expect(run.ran).toEqual(RUN_STEPS);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ 'exit-code': '0', blocked: 'false' });
    expect(run.outputs.rating).not.toBe('NOT READY');
    expect(run.log).toContain('prod-audit: gate passed');
  });

  it('since: on a pull request that adds nothing, flawed-shop’s pre-existing findings do not fail the job', () => {
    const workspace = workspaceWith('flawed-shop');
    git(workspace, 'init', '-q');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', 'shop');
    const run = runCompositeAction(ACTION_DIR, workspace, { path: 'app', since: 'HEAD', format: FORMAT });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ rating: 'NOT READY', blocked: 'false' });
  });

  it('a usage error (a ref that does not exist) fails the job with exit 2 and says what to do', () => {
    const workspace = workspaceWith('clean-api');
    git(workspace, 'init', '-q');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', 'api');
    const run = runCompositeAction(ACTION_DIR, workspace, { path: 'app', since: 'origin/main', format: FORMAT });
    expect(run.exitCode).toBe(2);
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.log).toMatch(/prod-audit: Unknown git revision "origin\/main" for --since\. Check the spelling, or fetch it first/);
  });
});

describe('.github/workflows/audit-fleet.yml', () => {
  it('is a reusable workflow running the action over a matrix of repositories', () => {
    const workflow = loadYaml('.github/workflows/audit-fleet.yml') as {
      on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } };
      jobs: Record<string, { strategy?: { matrix: { repository: string }; 'fail-fast': boolean }; steps: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    expect(Object.keys(workflow.on)).toEqual(['workflow_call']);
    expect(workflow.on.workflow_call.inputs).toHaveProperty('repositories');
    const audit = workflow.jobs.audit!;
    expect(audit.strategy).toMatchObject({ 'fail-fast': false, matrix: { repository: '${{ fromJSON(inputs.repositories) }}' } });
    const action = audit.steps.find((s) => s.uses === './.prod-audit-action');
    expect(action?.with).toMatchObject({ path: '${{ matrix.repository }}', 'upload-sarif': 'false' });
    expect(workflow.jobs.summary).toBeDefined();
  });
});
