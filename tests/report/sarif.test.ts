import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { main } from '../../src/cli.js';
import { AuditReport } from '../../src/model/report.js';
import { PROBES } from '../../src/probes/registry.js';
import { FINGERPRINT_KEY, SRCROOT, buildSarif, renderSarif } from '../../src/report/sarif.js';
import { sarifValidator } from '../helpers/sarif-schema.js';
import { SMALL_PROBES, smallReport } from '../helpers/small-report.js';
import { captureIO } from '../helpers/tree.js';

const validate = sarifValidator();

describe('SARIF of the flawed example', () => {
  let log: Log;
  let report: AuditReport;

  beforeAll(async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-sarif-'));
    const io = captureIO(process.cwd());
    await main(['audit', 'examples/flawed-shop', '--out', out, '--format', 'json,sarif', '--quiet'], io.io);
    const files = fs.readdirSync(out);
    expect(files.map((f) => path.extname(f)).sort()).toEqual(['.json', '.sarif']);
    log = JSON.parse(fs.readFileSync(path.join(out, files.find((f) => f.endsWith('.sarif'))!), 'utf8'));
    report = AuditReport.parse(JSON.parse(fs.readFileSync(path.join(out, files.find((f) => f.endsWith('.json'))!), 'utf8')));
  });

  it('validates against the SARIF 2.1.0 schema', () => {
    expect(validate(log)).toEqual([]);
  });

  it('has one rule per probe, with CWE tags, security-severity and help with the remediation', () => {
    const rules = log.runs[0]!.tool.driver.rules!;
    for (const { meta } of PROBES) {
      const rule = rules.find((r) => r.id === meta.id);
      expect(rule, meta.id).toBeDefined();
      expect(rule!.shortDescription!.text).toBe(meta.title);
      expect(rule!.help!.text).toContain(meta.remediation);
      expect(rule!.properties!['security-severity']).toMatch(/^\d+\.\d$/);
      expect(rule!.properties!.tags).toContain(meta.category);
      if (meta.cwe) expect(rule!.properties!.tags).toContain(`external/cwe/${meta.cwe.toLowerCase()}`);
    }
    expect(rules.find((r) => r.id === 'sql-string-concat')!.properties!.tags).toEqual(['security', 'production-readiness', 'Security', 'external/cwe/cwe-89']);
  });

  it('has one result per finding, at a root-relative location, keyed by our stable fingerprint', () => {
    const { results, tool } = log.runs[0]!;
    expect(results).toHaveLength(report.findings.length);
    for (const [i, finding] of report.findings.entries()) {
      const result = results![i]!;
      expect(result.ruleId).toBe(finding.ruleId);
      expect(tool.driver.rules![result.ruleIndex!]!.id).toBe(finding.ruleId);
      expect(result.partialFingerprints).toEqual({ [FINGERPRINT_KEY]: finding.fingerprint });
      const physical = result.locations![0]!.physicalLocation!;
      expect(physical.artifactLocation).toEqual({ uri: finding.evidence[0]!.file, uriBaseId: SRCROOT });
      expect(physical.region).toMatchObject({ startLine: finding.evidence[0]!.startLine, endLine: finding.evidence[0]!.endLine, snippet: { text: finding.evidence[0]!.lines.join('\n') } });
    }
    expect(results!.filter((r) => r.level === 'error')).toHaveLength(report.verdict.counts.CRITICAL + report.verdict.counts.HIGH);
  });

  it('carries the verdict, the readiness score and the fifteen categories in the run', () => {
    const run = log.runs[0]!;
    expect(run.properties).toMatchObject({ verdict: 'NOT READY', readinessScore: report.verdict.readinessScore });
    expect(run.properties!.categories).toHaveLength(15);
    expect(run.invocations![0]!.properties).toMatchObject({ verdict: 'NOT READY', readinessScore: report.verdict.readinessScore });
  });
});

describe('renderSarif', () => {
  it('matches the saved expected output for a small report', async () => {
    await expect(renderSarif(smallReport(), SMALL_PROBES)).toMatchFileSnapshot('../fixtures/reports/small.sarif');
  });

  it('is valid SARIF with an agent rule, related locations, a failed probe and an encoded file name', () => {
    const log = buildSarif(smallReport(), SMALL_PROBES);
    expect(validate(log)).toEqual([]);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(['console-only-logging', 'missing-health-endpoint', 'sql-string-concat', 'template-injection', 'agent:security-auditor']);
    const agent = run.results![1]!;
    expect(agent.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('src/routes/admin%20export.ts');
    expect(agent.relatedLocations).toHaveLength(1);
    expect(run.invocations![0]!.executionSuccessful).toBe(false);
    expect(run.invocations![0]!.toolExecutionNotifications![0]!.message.text).toContain('regex-dos');
  });

  it('marks diff-mode findings new or unchanged and accepted risks as suppressed, and stays valid', () => {
    const report = smallReport();
    const [first, second, third] = report.findings;
    const acceptance = { fingerprint: third!.fingerprint, reason: 'Behind the VPN until Q3', owner: 'sam', expires: null, acceptedAt: '2026-11-20T00:00:00.000Z', expired: false };
    const tracked = { ...report, findings: [{ ...first!, change: 'new' as const }, { ...second!, change: 'pre-existing' as const }, { ...third!, acceptance }, ...report.findings.slice(3)] };
    const log = buildSarif(tracked, SMALL_PROBES);
    expect(validate(log)).toEqual([]);
    const results = log.runs[0]!.results!;
    expect(results.map((r) => r.baselineState)).toEqual(['new', 'unchanged', undefined, ...results.slice(3).map(() => undefined)]);
    expect(results[2]!.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'Behind the VPN until Q3 (owner: sam)' }]);
    const expired = buildSarif({ ...tracked, findings: [{ ...third!, acceptance: { ...acceptance, expired: true } }] }, SMALL_PROBES);
    expect(expired.runs[0]!.results![0]!.suppressions).toBeUndefined();
  });
});
