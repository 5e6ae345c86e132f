import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditReport } from '../../src/model/report.js';
import { findSecrets } from '../../src/repo/secrets.js';

const BIN = path.resolve('dist/bin.js');

function audit(target: string, ...args: string[]) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-out-'));
  const result = spawnSync(process.execPath, [BIN, 'audit', target, '--out', out, ...args], { encoding: 'utf8' });
  const files = fs.readdirSync(out).map((f) => path.join(out, f));
  const json = files.find((f) => f.endsWith('.json'));
  return { ...result, files, report: json ? AuditReport.parse(JSON.parse(fs.readFileSync(json, 'utf8'))) : undefined };
}

/** Every secret value planted in a folder, found the way the tool finds them. */
function plantedSecrets(root: string): string[] {
  const values: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else values.push(...findSecrets(fs.readFileSync(full, 'utf8')).map((m) => m.value));
    }
  };
  walk(root);
  return values;
}

describe('the bundled examples, audited by the built CLI', () => {
  it('flawed-shop: NOT READY, stop-ship findings printed, exit 1, no secret printed or written', () => {
    const run = audit('examples/flawed-shop');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^Production Readiness Verdict: NOT READY/);
    expect(run.stdout).toMatch(/Stop-Ship Issues \(\d+\):\n {2}1\. CRITICAL /);
    const rules = new Set(run.report!.findings.filter((f) => f.launchClass === 'stop-ship').map((f) => f.ruleId));
    for (const rule of ['hardcoded-secret', 'sql-string-concat', 'webhook-without-signature-check', 'mutating-route-without-auth', 'payment-without-idempotency-key', 'destructive-migration-without-rollback']) {
      expect(rules, rule).toContain(rule);
    }
    const secrets = plantedSecrets('examples/flawed-shop');
    expect(secrets.length).toBeGreaterThan(3);
    const everything = [run.stdout, run.stderr, ...run.files.map((f) => fs.readFileSync(f, 'utf8'))].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('clean-api: no false stop-ship, so not NOT READY, exit 0', () => {
    const run = audit('examples/clean-api');
    expect(run.status).toBe(0);
    expect(run.report!.verdict.rating).not.toBe('NOT READY');
    expect(run.report!.verdict.stopShip).toEqual([]);
  });

  it('this repository itself: the audit completes with a report', () => {
    const run = audit('.', '--quiet');
    expect([0, 1]).toContain(run.status);
    expect(run.stderr).toBe('');
    expect(run.report!.coverage.probes.filter((p) => p.status === 'error')).toEqual([]);
  });
});
