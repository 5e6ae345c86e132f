import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { main } from '../../src/cli.js';
import { AuditReport } from '../../src/model/report.js';
import { SEVERITIES } from '../../src/model/taxonomy.js';
import { renderHtml } from '../../src/report/html.js';
import { findChromium, isCI, launchChromium } from '../helpers/browser.js';
import { HOSTILE_CODE, HOSTILE_TITLE, smallReport } from '../helpers/small-report.js';
import { captureIO } from '../helpers/tree.js';

const STATUS_LABEL = { PASS: 'PASS', PARTIAL: 'PARTIAL', FAIL: 'FAIL', NOT_APPLICABLE: 'N/A', NOT_AUDITED: 'NOT AUDITED' } as const;
const chromiumPath = findChromium();
if (!chromiumPath && !isCI()) {
  console.warn('[html report] SKIPPED the browser tests: no Chromium found (install it: apt-get install -y chromium, or set CHROMIUM_PATH). CI=true makes this a failure.');
}

describe('renderHtml', () => {
  it('matches the saved expected output for a small report', async () => {
    await expect(renderHtml(smallReport())).toMatchFileSnapshot('../fixtures/reports/small.html');
  });

  it('says what changed since the last audit and since the --since ref, and which risks were accepted', () => {
    const base = smallReport();
    const [first, second, third] = base.findings;
    const acceptance = { fingerprint: third!.fingerprint, reason: 'VPN-only <admin> API', owner: 'sam', expires: '2026-01-31', acceptedAt: '2026-01-01T00:00:00.000Z', expired: true };
    const html = renderHtml({
      ...base,
      findings: [{ ...first!, change: 'new' }, { ...second!, change: 'pre-existing' }, { ...third!, acceptance }, ...base.findings.slice(3)],
      trends: {
        previous: { report: 'earlier.json', finishedAt: '2026-11-20T10:00:00.000Z', rating: 'NOT READY', readinessScore: 52, head: null },
        counts: { new: 1, fixed: 3, unchanged: 2, accepted: 0 },
        scoreDelta: 16,
        newFindings: [first!.fingerprint],
        fixed: [],
        note: null,
      },
      changes: { since: 'origin/main', base: 'abc123', mergeBase: true, note: null, changedFiles: ['src/routes/items.ts'], newFindings: [first!.fingerprint], preExisting: [second!.fingerprint] },
      acceptedRisks: { file: '.prod-audit/accepted.json', active: [], expired: [third!.fingerprint], unmatched: [] },
    });
    expect(html).toContain('<span id="trend-counts">1 new, 3 fixed, 2 unchanged, 0 accepted</span>');
    expect(html).toContain('NOT READY, 52/100; score +16');
    expect(html).toContain('<b>Changes since <code>origin/main</code>:</b> 1 changed file(s); 1 new finding(s) can block, 1 pre-existing.');
    expect(html).toContain('1 acceptance(s) expired and block again');
    expect(html).toContain('new in this change');
    expect(html).toContain('acceptance expired 2026-01-31');
    expect(html).not.toContain('VPN-only <admin> API');
  });

  it('escapes repository text and loads nothing from the network', () => {
    const html = renderHtml(smallReport());
    expect(html).not.toContain(HOSTILE_TITLE);
    expect(html).toContain('&lt;script&gt;window.__pwned = &quot;title&quot;&lt;/script&gt;');
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  });
});

describe('findChromium', () => {
  it('prefers CHROMIUM_PATH, else finds an executable chromium on PATH, else reports none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-bin-'));
    expect(findChromium({ PATH: dir })).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findChromium({ PATH: dir })).toBe(path.join(dir, 'chromium'));
    expect(findChromium({ PATH: dir, CHROMIUM_PATH: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
  });
});

// When CI=true a missing browser fails here instead of skipping: CI must prove the page renders.
describe.skipIf(!chromiumPath && !isCI())('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let report: AuditReport;
  let htmlFile: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!chromiumPath) throw new Error('CI=true and no Chromium found: .ci/run installs it (apt-get install -y chromium); or set CHROMIUM_PATH');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-html-'));
    await main(['audit', 'examples/flawed-shop', '--out', out, '--format', 'json,html', '--quiet'], captureIO(process.cwd()).io);
    const files = fs.readdirSync(out).map((f) => path.join(out, f));
    report = AuditReport.parse(JSON.parse(fs.readFileSync(files.find((f) => f.endsWith('.json'))!, 'utf8')));
    htmlFile = files.find((f) => f.endsWith('.html'))!;
    browser = await launchChromium(chromiumPath);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    // Any request beyond the file itself would be a network dependency at view time.
    page.on('request', (request) => {
      if (request.url() !== pathToFileURL(file).href) problems.push(`request: ${request.url()}`);
    });
    await page.goto(pathToFileURL(file).href);
    return page;
  }

  it('shows the verdict banner and the readiness score of the JSON report', async () => {
    const page = await open(htmlFile);
    await expect(page.locator('h1.rating').textContent()).resolves.toBe('NOT READY');
    expect(report.verdict.rating).toBe('NOT READY');
    await expect(page.locator('#readiness-score').textContent()).resolves.toBe(String(report.verdict.readinessScore));
    expect(await page.locator('.stopship > li').count()).toBe(report.verdict.stopShip.length);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('draws a scorecard whose statuses and counts match the JSON report', async () => {
    const page = await open(htmlFile);
    const rows = [];
    for (const tr of await page.locator('#scorecard tbody tr').all()) {
      rows.push({
        category: await tr.getAttribute('data-category'),
        status: await tr.locator('.status').textContent(),
        counts: await tr.locator('td.heat').evaluateAll((tds) => tds.map((td) => ({ severity: td.getAttribute('data-severity'), shown: td.textContent }))),
      });
    }
    expect(rows.map((r) => r.category)).toEqual(report.workflow.systemType.priority);
    for (const score of report.scores) {
      const row = rows.find((r) => r.category === score.category)!;
      expect(row.status, score.category).toBe(STATUS_LABEL[score.status]);
      expect(row.counts, score.category).toEqual(SEVERITIES.map((s) => ({ severity: s, shown: score.counts[s] === 0 ? '·' : String(score.counts[s]) })));
    }
    for (const s of SEVERITIES) await expect(page.locator(`#scorecard tfoot td[data-total="${s}"]`).textContent()).resolves.toBe(String(report.verdict.counts[s]));
    await page.close();
  });

  it('filters the findings by severity, category and text', async () => {
    const page = await open(htmlFile);
    const rows = page.locator('tr.finding');
    const visible = async (): Promise<Array<{ severity: string; category: string; text: string }>> =>
      rows.evaluateAll((trs) => trs.filter((tr) => !(tr as unknown as { hidden: boolean }).hidden).map((tr) => ({ severity: tr.getAttribute('data-severity')!, category: tr.getAttribute('data-category')!, text: tr.textContent!.toLowerCase() })));
    expect(await visible()).toHaveLength(report.findings.length);

    await page.selectOption('#filter-severity', 'HIGH');
    const high = await visible();
    expect(high).toHaveLength(report.verdict.counts.HIGH);
    expect(new Set(high.map((r) => r.severity))).toEqual(new Set(['HIGH']));
    await expect(page.locator('#filter-count').textContent()).resolves.toBe(`${report.verdict.counts.HIGH} of ${report.findings.length} shown`);
    expect(await page.locator('tr.finding:visible').count()).toBe(report.verdict.counts.HIGH);

    await page.selectOption('#filter-category', 'Security');
    const expected = report.findings.filter((f) => f.severity === 'HIGH' && f.category === 'Security').length;
    expect(await visible()).toHaveLength(expected);

    await page.click('#filter-reset');
    await page.fill('#filter-text', 'WEBHOOKS.ts');
    const matching = await visible();
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.length).toBeLessThan(report.findings.length);
    for (const row of matching) expect(row.text).toContain('webhooks.ts');
    const hidden = await rows.evaluateAll((trs) => trs.filter((tr) => (tr as unknown as { hidden: boolean }).hidden).map((tr) => tr.textContent!.toLowerCase()));
    for (const text of hidden) expect(text).not.toContain('webhooks.ts');

    await page.fill('#filter-text', 'no finding says this');
    expect(await page.locator('#filter-empty').isVisible()).toBe(true);

    await page.click('#filter-reset');
    await page.click('#scorecard td.heat[data-category="Security"][data-severity="CRITICAL"]');
    const critical = await visible();
    expect(critical).toHaveLength(report.scores.find((s) => s.category === 'Security')!.counts.CRITICAL);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('shows injected markup in a finding as text, and never runs it', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-html-')), 'hostile.html');
    fs.writeFileSync(file, renderHtml(smallReport()));
    const page = await open(file);
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    const row = page.locator('#f-c1b2c3d4e5f60718');
    await expect(row.locator('summary').textContent()).resolves.toBe(HOSTILE_TITLE);
    await row.locator('summary').click();
    await expect(row.locator('pre.code code').textContent()).resolves.toBe(`4${HOSTILE_CODE}`);
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('main img, main iframe').count()).toBe(0);
    await expect(row.locator('td.loc').textContent()).resolves.toBe('src/routes/<b>page</b>.ts:4');
    expect(dialogs).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe('renderHtml: the agents table', () => {
  it('lists turns, tokens and cost per agent and in total, and which results were reused without a model call', async () => {
    const base = smallReport();
    const run = { turns: 3, inputTokens: 9000, outputTokens: 400, cacheReadTokens: 5000, cacheWriteTokens: 0, usd: 0.05, startedAt: base.startedAt, durationMs: 1000, findingsReported: 1, findingsKept: 1, rejectedLeads: [], summary: null, notes: [], reusedFrom: null, savedUsd: 0 };
    const report = AuditReport.parse({
      ...base,
      coverage: {
        ...base.coverage,
        mode: 'agents',
        costUsd: 0.05,
        agents: [
          { ...run, name: 'security-auditor', status: 'completed' },
          { ...run, name: 'ops-auditor', status: 'completed', turns: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, usd: 0, reusedFrom: 'result-cache', savedUsd: 0.04 },
        ],
      },
    });
    const html = await renderHtml(report);
    const table = /<table class="agents"[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).toContain('<td>security-auditor</td><td>completed</td><td>3</td><td>9000</td><td>400</td><td>5000</td><td>$0.0500</td><td>new</td>');
    expect(table).toContain('reused from the result cache ($0.0400 not spent again)');
    expect(table).toContain('<tr class="total"><td>total</td><td></td><td>3</td><td>9000</td><td>400</td><td>5000</td><td>$0.0500</td><td>1 reused</td></tr>');
  });
});
