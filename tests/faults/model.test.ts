/**
 * Faults in what the model says: tools that do not exist, input that does not validate, a session that never calls
 * finish, a reply cut off at max_tokens, a key the API refuses, and a spend cap that runs out mid-run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli.js';
import { UserError } from '../../src/errors.js';
import { runAudit } from '../../src/workflow/audit.js';
import { startFakeAnthropic, text, toolUse, type FakeAnthropic, type FakeOptions } from '../helpers/fake-anthropic.js';
import { agentRun, agentsAt, endTurn, expectOneLine, finish, ordersFinding, perAgent, readFile, requestsOf, tinyRepo, toolResultsSent, TINY_FILES } from '../helpers/faults.js';
import { captureIO } from '../helpers/tree.js';
import type { AgentsOptions } from '../../src/agents/orchestrate.js';
import type { AuditReport } from '../../src/model/report.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const T = { timeout: 10_000 };

async function audit(options: FakeOptions, agents: Partial<AgentsOptions> = {}, target = tinyRepo()): Promise<AuditReport> {
  fake = await startFakeAnthropic(options);
  return (await runAudit({ target, agents: agentsAt(fake.baseURL, { agents: ['security-auditor'], ...agents }) })).report;
}

const securityFinding = (overrides: Record<string, unknown> = {}) => ordersFinding({ category: 'Security', title: 'Order total trusts the client', ...overrides });

describe('tool calls the model gets wrong', () => {
  it('a call to a tool that does not exist (delete_repo) → is_error "not found" tool result, nothing runs, the agent goes on and finishes', T, async () => {
    const root = tinyRepo();
    const report = await audit({ script: perAgent({ 'security-auditor': [{ reply: [toolUse('delete_repo', { confirm: true })] }, { reply: [toolUse('report_finding', securityFinding())] }, finish()] }) }, {}, root);
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsKept: 1 });
    const [result] = toolResultsSent(requestsOf(fake!, 'security-auditor')[1]!);
    expect(result).toMatchObject({ is_error: true, content: "Error: Tool 'delete_repo' not found" });
    // The repository is as it was.
    for (const [file, content] of Object.entries(TINY_FILES)) expect(fs.readFileSync(path.join(root, file), 'utf8')).toBe(content);
  });

  it('report_finding with a wrong severity and missing fields → is_error tool result naming them, the agent corrects it and the finding is recorded', T, async () => {
    const wrong = { title: 'Order total trusts the client', severity: 'SEVERE', category: 'Security' };
    const report = await audit({ script: perAgent({ 'security-auditor': [{ reply: [toolUse('report_finding', wrong)] }, { reply: [toolUse('report_finding', securityFinding())] }, finish()] }) });
    expect(agentRun(report, 'security-auditor')).toMatchObject({ status: 'completed', findingsReported: 1, findingsKept: 1 });
    const [result] = toolResultsSent(requestsOf(fake!, 'security-auditor')[1]!);
    expect(result!.is_error).toBe(true);
    expect(JSON.stringify(result!.content)).toMatch(/severity/);
    expect(JSON.stringify(result!.content)).toMatch(/evidence/);
    expect(report.findings.filter((f) => f.title === 'Order total trusts the client')).toHaveLength(1);
  });

  it('end_turn text only, never calling finish → completed, with a note that it stopped without finish', T, async () => {
    const report = await audit({ script: perAgent({ 'security-auditor': [readFile('src/index.ts'), endTurn()] }) });
    const security = agentRun(report, 'security-auditor');
    expect(security.status).toBe('completed');
    expect(security.notes).toEqual(['stopped on its own (end_turn) without calling finish']);
    expect(requestsOf(fake!, 'security-auditor')).toHaveLength(2);
  });

  it('a reply cut off at max_tokens mid-tool-call → partial with a note, the half-written call is not run, findings so far kept', T, async () => {
    const cutOff = { reply: [text('Reporting the second one:'), toolUse('report_finding', { title: 'Second finding, cut o' })], stopReason: 'max_tokens' as const };
    const report = await audit({ script: perAgent({ 'security-auditor': [{ reply: [toolUse('report_finding', securityFinding())] }, cutOff, finish()] }) });
    const security = agentRun(report, 'security-auditor');
    expect(security).toMatchObject({ status: 'partial', findingsReported: 1, findingsKept: 1 });
    expect(expectOneLine(security.notes[0])).toMatch(/^stopped: a reply reached the per-turn output limit \(max_tokens \d+\)/);
    // Nothing after the cut-off reply: no third request with a tool result for the half-written call.
    expect(requestsOf(fake!, 'security-auditor')).toHaveLength(2);
  });
});

describe('the key', () => {
  it('401 invalid key → not retried, every agent fails at once with an AuthenticationError 401 note', T, async () => {
    const report = await audit({ apiKey: 'the-right-key', script: perAgent({}) }, { agents: undefined });
    expect(report.coverage.agents).toHaveLength(5);
    for (const run of report.coverage.agents) {
      expect(run.status).toBe('failed');
      expect(expectOneLine(run.notes[0])).toBe('failed: AuthenticationError 401: invalid x-api-key; findings so far kept');
    }
    // One request per agent: a refused key is never retried.
    expect(fake!.requests.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
  });

  it('401 invalid key through the CLI → exit 2 with one line saying the key was refused, no report written', T, async () => {
    fake = await startFakeAnthropic({ apiKey: 'the-right-key', script: perAgent({}) });
    const root = tinyRepo();
    const { io, stderr, stdout } = captureIO(root);
    const code = await main(['audit', root, '--quiet', '--base-url', fake.baseURL], { ...io, env: { ANTHROPIC_API_KEY: 'a-wrong-key' } });
    expect(code).toBe(EXIT.usage);
    const lines = stderr.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^prod-audit: The API refused the key in ANTHROPIC_API_KEY: every agent got 401 \(invalid x-api-key\); no report was written\. Check the key/);
    expect(stdout).toEqual([]);
    expect(fs.existsSync(path.join(root, 'packages'))).toBe(false);
    expect(fake.requests.every((r) => r.status === 401)).toBe(true);
  });

  it('a key that works for one agent and not another is not called a wrong key → the audit reports as usual', T, async () => {
    const report = await audit({ script: perAgent({ 'security-auditor': [{ status: 401 }], 'code-auditor': [finish()] }) }, { agents: ['security-auditor', 'code-auditor'] });
    expect(agentRun(report, 'security-auditor').status).toBe('failed');
    expect(agentRun(report, 'code-auditor').status).toBe('completed');
    const { refusedKeyError } = await import('../../src/llm/refused-key.js');
    expect(refusedKeyError(report)).toBeUndefined();
    expect(refusedKeyError({ ...report, coverage: { ...report.coverage, agents: [agentRun(report, 'security-auditor')] } })).toBeInstanceOf(UserError);
  });
});

describe('the spend cap', () => {
  it('the audit USD budget runs out mid-run → the agent stops with "audit USD budget reached", its findings so far are kept', T, async () => {
    const readForever = () => readFile('src/index.ts');
    const report = await audit(
      { script: perAgent({ 'security-auditor': (turn) => (turn === 0 ? { reply: [toolUse('report_finding', securityFinding())] } : readForever()) }) },
      { maxUsd: 0.12, budget: { maxTurns: 100 } },
    );
    const security = agentRun(report, 'security-auditor');
    expect(security).toMatchObject({ status: 'partial', findingsKept: 1 });
    expect(expectOneLine(security.notes[0])).toMatch(/^stopped: audit USD budget reached \(\$0\.\d+ of \$0\.12 spent\); findings so far kept$/);
    expect(security.turns).toBeGreaterThan(1);
    expect(report.coverage.costUsd).toBeLessThanOrEqual(0.12);
    expect(report.findings.some((f) => f.title === 'Order total trusts the client')).toBe(true);
  });

  it('a cap too small for even the first turn → every agent is "not started", the audit still gives a verdict', T, async () => {
    const report = await audit({ script: perAgent({}) }, { maxUsd: 0.01, agents: ['security-auditor', 'code-auditor'] });
    for (const run of report.coverage.agents) {
      expect(run.status).toBe('failed');
      expect(run.notes[0]).toMatch(/^not started: audit USD budget reached/);
    }
    expect(fake!.requests).toHaveLength(0);
    expect(report.verdict.rating).toBe('CONDITIONALLY READY');
  });
});
