import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli.js';
import { cli, shop } from './shop.js';

const DAY = 24 * 3600 * 1000;

describe('accepted risks (.prod-audit/accepted.json)', () => {
  it('accept → re-audit: the finding is acceptable risk and the gate passes; after expiry it blocks again', async () => {
    const root = shop();
    const first = await cli(root, ['audit', '--quiet']);
    expect(first.code).toBe(EXIT.blocked);
    const sql = first.report!.findings.find((f) => f.ruleId === 'sql-string-concat')!;
    expect(first.report!.verdict.stopShip).toEqual([sql.fingerprint]);

    const expires = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
    const accepted = await cli(root, ['accept', sql.fingerprint, '--reason', 'Read-only replica, ids are validated upstream', '--owner', 'dana', '--expires', expires]);
    expect(accepted.code).toBe(EXIT.ok);
    expect(accepted.stdout).toBe(`Accepted ${sql.fingerprint} (${sql.title}) as a risk owned by dana, until ${expires}: .prod-audit/accepted.json\n`);
    const file = JSON.parse(fs.readFileSync(path.join(root, '.prod-audit/accepted.json'), 'utf8'));
    expect(file).toMatchObject({ version: 1, accepted: [{ fingerprint: sql.fingerprint, owner: 'dana', expires, reason: 'Read-only replica, ids are validated upstream', title: sql.title }] });

    const second = await cli(root, ['audit', '--quiet']);
    expect(second.code).toBe(EXIT.ok);
    const again = second.report!.findings.find((f) => f.fingerprint === sql.fingerprint)!;
    expect(again).toMatchObject({ launchClass: 'acceptable-risk', acceptance: { owner: 'dana', expired: false } });
    expect(second.report!.verdict.stopShip).toEqual([]);
    expect(second.report!.verdict.acceptableRisk).toContain(sql.fingerprint);
    expect(second.report!.verdict.rating).not.toBe('NOT READY');
    expect(second.report!.acceptedRisks).toEqual({ file: '.prod-audit/accepted.json', active: [sql.fingerprint], expired: [], unmatched: [] });
    expect(second.markdown).toContain('## Accepted risks');
    expect(second.markdown).toMatch(new RegExp(`- SQL.*\\[accepted by dana until ${expires}\\]`));
    expect(second.stdout).toMatch(/Acceptable Risks \(\d+\):[\s\S]*\[accepted by dana until/);

    const later = new Date(Date.parse(`${expires}T00:00:00Z`) + DAY);
    const expired = await cli(root, ['audit', '--quiet'], later);
    expect(expired.code).toBe(EXIT.blocked);
    expect(expired.report!.findings.find((f) => f.fingerprint === sql.fingerprint)).toMatchObject({ launchClass: 'stop-ship', acceptance: { expired: true } });
    expect(expired.report!.acceptedRisks).toMatchObject({ active: [], expired: [sql.fingerprint] });
    expect(expired.markdown).toContain(`**Accepted risk, expired:** the acceptance by dana ended ${expires}`);
    // The last day itself is still covered.
    expect((await cli(root, ['audit', '--quiet'], new Date(Date.parse(`${expires}T23:59:00Z`)))).code).toBe(EXIT.ok);
  });

  it('accepting a fingerprint the latest report does not have, or with no report at all, is refused and writes nothing', async () => {
    const root = shop();
    const none = await cli(root, ['accept', '0123456789abcdef', '--reason', 'x']);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toMatch(/^prod-audit: No audit report of .* in .*packages\/docs\/audits to check the fingerprint against\. Run "prod-audit audit" first/);
    await cli(root, ['audit', '--quiet']);
    const wrong = await cli(root, ['accept', '0123456789abcdef', '--reason', 'x']);
    expect(wrong.code).toBe(EXIT.usage);
    expect(wrong.stderr).toMatch(/^prod-audit: Fingerprint 0123456789abcdef is not in the latest report \(\d{8}T\d{6}Z-.*\.json, \d+ findings\)\. .*nothing was written/);
    expect(fs.existsSync(path.join(root, '.prod-audit'))).toBe(false);
  });

  it.each([
    [['accept', 'not-hex', '--reason', 'x'], /Expected a 16-character hex fingerprint, got "not-hex"/],
    [['accept', '0123456789abcdef'], /Expected --reason/],
    [['accept', '0123456789abcdef', '--reason', 'x', '--expires', '2026-02-30'], /Expected a valid --expires: not a real calendar date, got "2026-02-30"/],
    [['accept', '0123456789abcdef', '--reason', 'x', '--expires', '2001-01-01'], /--expires 2001-01-01 is already past/],
  ])('bad accept input %#: one line, exit 2', async (argv, pattern) => {
    const run = await cli(shop(), argv);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"version": 1,', /accepted\.json is not valid JSON \(/],
    ['a bad date', JSON.stringify({ version: 1, accepted: [{ fingerprint: '0123456789abcdef', reason: 'r', owner: 'o', expires: 'soon', acceptedAt: '2026-01-01T00:00:00Z' }] }), /accepted\.json is invalid: accepted\[0\]\.expires: expected a date YYYY-MM-DD/],
    ['a missing reason', JSON.stringify({ version: 1, accepted: [{ fingerprint: '0123456789abcdef', owner: 'o', expires: null, acceptedAt: '2026-01-01T00:00:00Z' }] }), /accepted\.json is invalid: accepted\[0\]\.reason: /],
    ['an unknown key', JSON.stringify({ version: 1, accepted: [], extra: true }), /accepted\.json is invalid: the file: Unrecognized key/],
  ])('a broken accepted.json (%s) is a usage error naming the file and the problem', async (_, text, pattern) => {
    const root = shop({ '.prod-audit/accepted.json': text });
    const run = await cli(root, ['audit', '--quiet']);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).toContain(path.join(root, '.prod-audit/accepted.json'));
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.report).toBeUndefined();
  });
});
