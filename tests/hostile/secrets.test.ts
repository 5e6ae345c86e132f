import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli.js';
import { byAgent, startFakeAnthropic, toolUse, type FakeAnthropic, type Step } from '../helpers/fake-anthropic.js';
import { APP, auditTree, cli, expectNoLeak, readReports, skippedReasons, spawnCli } from '../helpers/hostile.js';
import { makeTree } from '../helpers/tree.js';

// Every secret is assembled at run time, so this file is not itself a committed secret.
const j = (...parts: string[]): string => parts.join('');
const pem = (kind: string, body: string[]): string => [`-----BEGIN ${kind}PRIVATE KEY-----`, ...body, `-----END ${kind}PRIVATE KEY-----`].join('\n');
const b64 = (seed: string): string[] => [0, 1, 2].map((i) => j('MII', seed, String(i), 'Qk9HVVNrZXlNYXRlcmlhbE5vdFJlYWwwMTIzNDU2Nzg5YWJjZGVmZ2hpamts').slice(0, 64));

const S = {
  awsId: j('AKIA', 'Q7ZX2M4N6P8R0T3V'),
  awsSecret: j('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYzHostile0KQa'),
  stripe: j('sk_live_', '51HqLp2Xw9Rv4Ks1Ny6Td3Mb8'),
  ghp: j('ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  githubPat: j('github_pat_', '11ABCDEFG0', 'x'.repeat(10), '_', 'Yz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIj'),
  slack: j('xoxb-', '123456789012-1234567890123-', 'AbCdEfGhIjKlMnOpQrStUvWx'),
  slackApp: j('xapp-', '1-A0123456789-1234567890123-', 'abcdef0123456789abcdef0123456789'),
  google: j('AIza', 'SyB1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q6R'),
  googleOauth: j('GOCSPX-', 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Q'),
  gitlab: j('glpat-', 'Hq7Lp2Xw9Rv4Ks1Ny6Td'),
  rsa: b64('rsa'),
  ec: b64('ecc'),
  openssh: b64('ssh'),
  jwt: j('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJvd25lciJ9', '.', 'Xq9vTz4LmN2pR7sK1wY8bC3dF6gH0jA5eU_iO-QwErT'),
  pgPassword: j('Pg', 'Pass', '-7kQ2', 'xZ9w'),
  mongoPassword: j('Mo', 'ngo', 'Pa55', 'wd8J'),
  envSession: j('sess', '-4f9Kq2', 'Lw8Xz1Vb'),
  jsonPassword: j('Js0n', '-Pa55', '-Qw7zKx'),
  yamlPassword: j('Yaml', '-Pa55', '-Rt4uVm'),
  commentStripe: j('sk_live_', 'CommentedOut9Rv4Ks1Ny6T'),
  fileNameStripe: j('sk_live_', 'InAFileName7Xw9Rv4Ks1Ny'),
  readmeToken: j('ghp_', 'Readme0B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6'),
};

/** Offline, with --json: stdout is the event stream, then the report paths. */
async function auditSecret(files: Record<string, string>, needles: readonly string[]) {
  const run = await auditTree({ ...APP, ...files }, ['--json']);
  expect(run.code, run.stderr).toBe(EXIT.blocked);
  expect(run.stdout.trim().split('\n').every((line) => JSON.parse(line))).toBeTruthy();
  expectNoLeak(run, needles);
  expect(run.reports.report.verdict.rating).toBe('NOT READY');
  return run;
}

/** The report names the secret's format where it quotes the line, and cites the file. */
function expectRedactedFinding(run: Awaited<ReturnType<typeof auditSecret>>, file: string, format?: string): void {
  const secretFindings = run.reports.report.findings.filter((f) => f.evidence.some((e) => e.file === file));
  expect(secretFindings.length, `a finding in ${file}`).toBeGreaterThan(0);
  expect(run.reports.md).toContain(format ? `[REDACTED ${format}]` : '[REDACTED');
}

describe('secrets in every common format: never in stdout, stderr, the --json stream or any report', () => {
  it('an AWS access key ID in source → redacted as aws-access-key-id everywhere', async () => {
    const run = await auditSecret({ 'src/aws.ts': `export const accessKeyId = '${S.awsId}';\n` }, [S.awsId]);
    expectRedactedFinding(run, 'src/aws.ts', 'aws-access-key-id');
  });

  it('an AWS secret access key in a credentials INI file → redacted everywhere', async () => {
    const run = await auditSecret({ 'config/credentials.ini': `[default]\naws_access_key_id = ${S.awsId}\naws_secret_access_key = ${S.awsSecret}\n` }, [S.awsId, S.awsSecret]);
    expectRedactedFinding(run, 'config/credentials.ini');
  });

  it('a Stripe live secret key (sk_live_) → redacted as stripe-secret-key everywhere', async () => {
    const run = await auditSecret({ 'src/billing.ts': `import Stripe from 'stripe';\nexport const stripe = new Stripe('${S.stripe}');\n` }, [S.stripe]);
    expectRedactedFinding(run, 'src/billing.ts', 'stripe-secret-key');
  });

  it('a GitHub classic token (ghp_) in a shell script → redacted as github-token everywhere', async () => {
    const run = await auditSecret({ 'scripts/release.sh': `#!/bin/sh\ncurl -H "Authorization: token ${S.ghp}" https://api.github.com/user\n` }, [S.ghp]);
    expectRedactedFinding(run, 'scripts/release.sh', 'github-token');
  });

  it('a GitHub fine-grained token (github_pat_) in a workflow → redacted as github-token everywhere', async () => {
    const run = await auditSecret({ '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: ${S.githubPat}\n    steps:\n      - run: echo hi\n` }, [S.githubPat]);
    expectRedactedFinding(run, '.github/workflows/ci.yml', 'github-token');
  });

  it('a Slack bot token (xoxb-) in JSON config → redacted as slack-token everywhere', async () => {
    const run = await auditSecret({ 'config/slack.json': JSON.stringify({ channel: '#ops', botToken: S.slack }, null, 2) }, [S.slack]);
    expectRedactedFinding(run, 'config/slack.json', 'slack-token');
  });

  it('a Slack app-level token (xapp-) → redacted as slack-token everywhere', async () => {
    const run = await auditSecret({ 'src/slack.ts': `export const appToken = '${S.slackApp}';\n` }, [S.slackApp]);
    expectRedactedFinding(run, 'src/slack.ts', 'slack-token');
  });

  it('a Google API key (AIza…) in front-end code → redacted as google-api-key everywhere', async () => {
    const run = await auditSecret({ 'web/maps.js': `const url = 'https://maps.googleapis.com/maps/api/js?key=${S.google}';\nexport default url;\n` }, [S.google]);
    expectRedactedFinding(run, 'web/maps.js', 'google-api-key');
  });

  it('a Google OAuth client secret (GOCSPX-) → redacted everywhere', async () => {
    const run = await auditSecret({ 'src/oauth.ts': `export const google = { clientId: 'x.apps.googleusercontent.com', clientSecret: '${S.googleOauth}' };\n` }, [S.googleOauth]);
    expectRedactedFinding(run, 'src/oauth.ts');
  });

  it('a GitLab personal access token (glpat-) → redacted as gitlab-token everywhere', async () => {
    const run = await auditSecret({ 'scripts/mirror.sh': `#!/bin/sh\ngit push https://oauth2:${S.gitlab}@gitlab.example.com/a/b.git\n` }, [S.gitlab]);
    expectRedactedFinding(run, 'scripts/mirror.sh');
  });

  it('an RSA private key PEM block in a .pem file → no line of its body anywhere', async () => {
    const run = await auditSecret({ 'certs/server.pem': `${pem('RSA ', S.rsa)}\n` }, S.rsa);
    expectRedactedFinding(run, 'certs/server.pem', 'private-key');
  });

  it('an EC private key PEM block inlined in TypeScript → no line of its body anywhere', async () => {
    const run = await auditSecret({ 'src/sign.ts': `export const key = \`${pem('EC ', S.ec)}\`;\n` }, S.ec);
    expectRedactedFinding(run, 'src/sign.ts', 'private-key');
  });

  it('an OpenSSH private key → no line of its body anywhere', async () => {
    const run = await auditSecret({ 'deploy/id_ed25519': `${pem('OPENSSH ', S.openssh)}\n`, 'deploy/id_ed25519.ts': `export const key = \`${pem('OPENSSH ', S.openssh)}\`;\n` }, S.openssh);
    expectRedactedFinding(run, 'deploy/id_ed25519.ts', 'private-key');
  });

  it('a JWT in a test fixture → redacted as jwt everywhere', async () => {
    const run = await auditSecret({ 'src/auth/token.ts': `export const adminToken = '${S.jwt}';\n` }, [S.jwt, S.jwt.split('.')[2]!]);
    expectRedactedFinding(run, 'src/auth/token.ts', 'jwt');
  });

  it('a postgres:// URL with a password in .env → the password is redacted everywhere, the host is kept', async () => {
    const run = await auditSecret({ '.env': `DATABASE_URL=postgres://shop:${S.pgPassword}@db.internal:5432/shop\n` }, [S.pgPassword]);
    expectRedactedFinding(run, '.env');
    expect(run.reports.md).toContain('postgres://shop:[REDACTED');
    expect(run.reports.md).toContain('@db.internal:5432/shop');
  });

  it('a mongodb+srv:// URL with a password in code → the password is redacted everywhere', async () => {
    const run = await auditSecret({ 'src/mongo.ts': `export const uri = 'mongodb+srv://app:${S.mongoPassword}@cluster0.example.net/shop';\n` }, [S.mongoPassword]);
    expectRedactedFinding(run, 'src/mongo.ts', 'connection-string-password');
  });

  it('a .env file with SESSION_SECRET, STRIPE key and DB password → every value redacted everywhere', async () => {
    const run = await auditSecret({ '.env': `SESSION_SECRET=${S.envSession}\nSTRIPE_SECRET_KEY=${S.stripe}\nDATABASE_URL=postgres://u:${S.pgPassword}@db/app\n` }, [S.envSession, S.stripe, S.pgPassword]);
    expectRedactedFinding(run, '.env');
  });

  it('a password in JSON config ("password": "…") → redacted everywhere', async () => {
    const run = await auditSecret({ 'config/default.json': JSON.stringify({ db: { host: 'db', user: 'app', password: S.jsonPassword } }, null, 2) }, [S.jsonPassword]);
    expectRedactedFinding(run, 'config/default.json');
  });

  it('a password in YAML config (password: …) → redacted everywhere', async () => {
    const run = await auditSecret({ 'config/app.yaml': `database:\n  host: db\n  password: ${S.yamlPassword}\n` }, [S.yamlPassword]);
    expectRedactedFinding(run, 'config/app.yaml');
  });

  it('a key left in a code comment → redacted everywhere', async () => {
    const run = await auditSecret({ 'src/pay.ts': `// old key, rotated? ${S.commentStripe}\nexport const x = 1;\n` }, [S.commentStripe]);
    expectRedactedFinding(run, 'src/pay.ts', 'stripe-secret-key');
  });

  it('a token pasted into the README → redacted everywhere', async () => {
    await auditSecret({ 'README.md': `# Shop\n\nDeploy with \`GH_TOKEN=${S.readmeToken} ./deploy.sh\`.\n` }, [S.readmeToken]);
  });

  it('a secret as a file name (src/sk_live_….ts) → skipped as "unsafe-name", listed redacted; not in the --json events or any report', async () => {
    const name = `src/${S.fileNameStripe}.ts`;
    const run = await auditSecret({ [name]: APP['src/server.ts'] }, [S.fileNameStripe]);
    expect(skippedReasons(run.reports)['src/[REDACTED stripe-secret-key].ts']).toBe('unsafe-name');
  });

  it('a password seen once in .env and again bare in a fixture no format recognises → both redacted', async () => {
    const bare = j('bare', 'Value', '-9Qk2', 'Lm');
    const run = await auditSecret({ '.env': `ADMIN_PASSWORD=${bare}\n`, 'src/fixture.ts': `export const samples = ['${bare}', 'other'];\n` }, [bare]);
    expect(run.reports.md).toContain('[REDACTED');
  });
});

describe('all the secrets at once', () => {
  const everything = (): Record<string, string> => ({
    ...APP,
    '.env': `SESSION_SECRET=${S.envSession}\nSTRIPE_SECRET_KEY=${S.stripe}\nDATABASE_URL=postgres://u:${S.pgPassword}@db/app\nGITHUB_TOKEN=${S.ghp}\n`,
    'src/keys.ts': [`export const aws = '${S.awsId}';`, `export const slack = '${S.slack}';`, `export const google = '${S.google}';`, `export const jwt = '${S.jwt}';`, `export const mongo = 'mongodb+srv://a:${S.mongoPassword}@c.example.net/x';`, ''].join('\n'),
    'config/app.yaml': `password: ${S.yamlPassword}\naws_secret_access_key: ${S.awsSecret}\n`,
    'certs/key.pem': pem('RSA ', S.rsa),
    [`src/${S.fileNameStripe}.ts`]: APP['src/server.ts'],
  });
  const needles = [S.fileNameStripe, S.envSession, S.stripe, S.pgPassword, S.ghp, S.awsId, S.slack, S.google, S.jwt, S.mongoPassword, S.yamlPassword, S.awsSecret, ...S.rsa];

  it('a repository full of secrets, audited by dist/bin.js as a real process (plain progress) → no value on stdout, stderr or in the four reports', () => {
    const root = makeTree(everything());
    const out = makeTree({});
    const run = spawnCli(['audit', root, '--out', out]);
    expect(run.code, run.stderr).toBe(EXIT.blocked);
    expect(run.stderr).toMatch(/phase 9/);
    const reports = readReports(out);
    expect(reports.paths).toHaveLength(4);
    expectNoLeak({ ...run, reports }, needles);
  });

  describe('with the agents against a fake Messages API', () => {
    let fake: FakeAnthropic | undefined;
    afterEach(async () => {
      await fake?.close();
      fake = undefined;
    });

    it('agents that read every secret file and search for key prefixes → no value in any request body the fake server recorded, nor in the output', async () => {
      const read: Step = {
        reply: [
          toolUse('read_file', { path: '.env' }),
          toolUse('read_file', { path: 'src/keys.ts' }),
          toolUse('read_file', { path: 'config/app.yaml' }),
          toolUse('search', { pattern: 'sk_live|AKIA|xoxb|eyJ|BEGIN', regex: true }),
          toolUse('list_files', {}),
        ],
      };
      fake = await startFakeAnthropic({ script: byAgent({ 'system-explorer': [read, { reply: [toolUse('finish', { summary: 'Read the config.' })] }] }, read) });
      const root = makeTree(everything());
      const out = makeTree({});
      const run = await cli(['audit', root, '--out', out, '--base-url', fake.baseURL, '--max-turns', '2', '--json'], { env: { ANTHROPIC_API_KEY: 'test-key' } });
      expect(run.code, run.stderr).toBe(EXIT.blocked);
      expect(fake.requests.length).toBeGreaterThanOrEqual(5);
      const bodies = fake.requests.map((r) => r.rawBody).join('\n');
      expect(bodies).toContain('[REDACTED');
      for (const needle of needles) expect(bodies.includes(needle), `a request carried ${needle.slice(0, 10)}…`).toBe(false);
      expectNoLeak({ ...run, reports: readReports(out) }, needles);
      expect(fs.readdirSync(out)).toHaveLength(4);
      expect(fs.existsSync(path.join(root, 'packages'))).toBe(false);
    });
  });
});
