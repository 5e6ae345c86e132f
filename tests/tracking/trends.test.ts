import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli.js';
import { cli, shop, USERS } from './shop.js';

const CONFIG = `export const config = {
  port: Number(process.env.PORT ?? 3000),
};
`;
const LEAKY_CONFIG = `export const config = {
  port: Number(process.env.PORT ?? 3000),
  stripeKey: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc9Xk2',
};
`;

describe('trends: each report against the previous report of the same root', () => {
  it('second audit of the same root reports new, fixed and unchanged counts and the previous verdict', async () => {
    const root = shop({ 'src/config.ts': CONFIG });
    const first = await cli(root, ['audit', '--quiet']);
    expect(first.report!.trends).toBeNull();
    expect(first.markdown).toContain('This is the first audit of this target and scope');
    const sql = first.report!.findings.find((f) => f.ruleId === 'sql-string-concat')!;

    // Fix the SQL, leak a key: one fixed, one new, the rest unchanged.
    fs.writeFileSync(path.join(root, 'src/users.ts'), USERS.replace('`SELECT * FROM users WHERE id = ${req.params.id}`', "'SELECT * FROM users WHERE id = $1', [req.params.id]"));
    fs.writeFileSync(path.join(root, 'src/config.ts'), LEAKY_CONFIG);
    const second = await cli(root, ['audit', '--quiet']);
    const secret = second.report!.findings.find((f) => f.ruleId === 'hardcoded-secret')!;
    const before = new Set(first.report!.findings.map((f) => f.fingerprint));
    const unchanged = second.report!.findings.filter((f) => before.has(f.fingerprint)).length;
    expect(unchanged).toBe(first.report!.findings.length - 1);
    expect(second.report!.trends).toMatchObject({
      previous: { rating: first.report!.verdict.rating, readinessScore: first.report!.verdict.readinessScore, report: expect.stringMatching(/^\d{8}T\d{6}Z-.*\.json$/) },
      counts: { new: 1, fixed: 1, unchanged, accepted: 0 },
      newFindings: [secret.fingerprint],
      fixed: [{ fingerprint: sql.fingerprint, title: sql.title, severity: 'CRITICAL', location: 'src/users.ts:7' }],
      scoreDelta: second.report!.verdict.readinessScore - first.report!.verdict.readinessScore,
      note: null,
    });
    expect(second.markdown).toContain('## Since the last audit');
    expect(second.markdown).toContain(`Findings: **1 new**, **1 fixed**, ${unchanged} unchanged; 0 of the current ones accepted as risks.`);
    expect(second.markdown).toMatch(/Fixed:\n- CRITICAL .* \(`src\/users\.ts:7`\)/);
    expect(second.stdout).toMatch(/Since the last audit: 1 new, 1 fixed, \d+ unchanged/);

    // Accept the new finding: the third run counts it as accepted and unchanged.
    await cli(root, ['accept', secret.fingerprint, '--reason', 'test key', '--owner', 'ops']);
    const third = await cli(root, ['audit', '--quiet']);
    expect(third.report!.trends!.counts).toEqual({ new: 0, fixed: 0, unchanged: second.report!.findings.length, accepted: 1 });
    expect(third.report!.trends!.previous.rating).toBe(second.report!.verdict.rating);
  });

  it('compares only with a report of the same scope, and passes over foreign or broken JSON files', async () => {
    const root = shop();
    const dir = path.join(root, 'packages', 'docs', 'audits');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '20200101T000000Z-shop.json'), '{ broken');
    fs.writeFileSync(path.join(dir, '20200101T000001Z-other.json'), JSON.stringify({ hello: 'world' }));
    expect((await cli(root, ['audit', '--quiet'])).report!.trends).toBeNull();
    // Report names have one-second resolution: two runs within a second would share a name.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const targeted = await cli(root, ['audit', '--quiet', '--phase', '5']);
    expect(targeted.code).toBe(EXIT.blocked);
    expect(targeted.report!.trends).toBeNull();
    expect((await cli(root, ['audit', '--quiet'])).report!.trends).not.toBeNull();
  });
});
