import { describe, expect, it } from 'vitest';
import { Redactor, findSecrets, redactSecrets } from '../../src/repo/secrets.js';

// Built from parts so this file is not itself a committed secret.
const fake = (...parts: string[]): string => parts.join('');
const SAMPLES: Record<string, string> = {
  'private-key': fake('-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7', 'x'.repeat(40), '\n-----END RSA PRIVATE KEY-----'),
  'aws-access-key-id': fake('AKIA', 'Z7QXW3ERT9YUPLMN'),
  'aws-secret-access-key': fake('aws_secret_access_key = ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKQ'),
  'github-token': fake('ghp_', 'a1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'),
  'stripe-secret-key': fake('sk_live_', '51HxYzAbCdEfGhIjKlMnOpQr'),
  'stripe-webhook-secret': fake('whsec_', 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2'),
  'anthropic-api-key': fake('sk-ant-', 'api03-AbCdEfGhIjKlMnOpQrStUv'),
  'openai-api-key': fake('sk-proj-', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'),
  'slack-token': fake('xoxb-', '123456789012-AbCdEfGhIjKl'),
  'google-oauth-client-secret': fake('GOCSPX-', 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9S'),
  'gitlab-token': fake('glpat-', 'Zx8Yw7Vu6Ts5Rq4Po3Nm'),
  'huggingface-token': fake('hf_', 'AbCdEfGhIjKlMnOpQrStUvWxYz01234567'),
  'azure-storage-key': fake('DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=', 'Q2hhbmdlTWVQbGVhc2VUaGlzSXNOb3RBUmVhbEtleQ', 'AbCdEf0123456789+/Zz==;EndpointSuffix=core.windows.net'),
  'google-api-key': fake('AIza', 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'),
  'sendgrid-api-key': fake('SG.', 'AbCdEfGhIjKlMnOpQr.StUvWxYz0123456789Ab'),
  'mollie-api-key': fake('live_', 'dHar4XY7LxsDOtmnkVtjNVWXLSlXsM'),
  'npm-token': fake('npm_', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'),
  jwt: fake('eyJhbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', '.', 'dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
  'connection-string-password': fake('postgres://app:', 'Sup3rS3cret', '@db:5432/app'),
  'assigned-secret': fake('password = "', 'Tr0ub4dor&3x', '"'),
};

describe('findSecrets()', () => {
  it.each(Object.entries(SAMPLES))('recognises %s', (format, text) => {
    expect(findSecrets(`const x = ${JSON.stringify(text).slice(1, -1)};\n${text}`).map((m) => m.format)).toContain(format);
  });

  it.each([
    'password: process.env.DB_PASSWORD',
    'const token = req.headers.authorization',
    'apiKey: config.apiKey',
    "secret: 'changeme'",
    'postgres://app:${PASSWORD}@db/app',
    'TOKEN_HEADER = "X_AUTH_TOKEN"',
  ])('leaves a non-secret alone: %s', (text) => {
    expect(findSecrets(text)).toEqual([]);
  });
});

describe('formats added for the hostile-input suite', () => {
  it('a Slack app-level token (xapp-) is a slack-token', () => {
    expect(findSecrets(`SLACK_APP_TOKEN=${fake('xapp-1-', 'A0123456789-1234567890123-abcdef0123456789')}`).map((m) => m.format)).toEqual(['slack-token']);
  });

  it('only the account key of an Azure connection string is the secret', () => {
    const [match] = findSecrets(SAMPLES['azure-storage-key']!);
    expect(match!.value.startsWith('Q2hh')).toBe(true);
    expect(match!.value.endsWith('==')).toBe(true);
  });

  it('an Adyen client key (live_ and upper case, public by design) is not a Mollie key', () => {
    expect(findSecrets(`clientKey: ${fake('live_', 'J4Q2XKZ7WNB3V8RD5LTY6HPM0CFA9SGE')}`).map((m) => m.format)).not.toContain('mollie-api-key');
  });

  it.each(['GOCSPX-short', 'glpat-tooShort', 'hf_short', 'AccountKey=;'])('leaves a too-short look-alike alone: %s', (text) => {
    expect(findSecrets(text)).toEqual([]);
  });
});

describe('redaction', () => {
  it('replaces every secret value and keeps the surrounding code', () => {
    const text = `const stripe = new Stripe('${SAMPLES['stripe-secret-key']}');`;
    expect(redactSecrets(text)).toBe("const stripe = new Stripe('[REDACTED stripe-secret-key]');");
  });

  it('hides a known value even where no format would recognise it', () => {
    const redactor = new Redactor(['Tr0ub4dor&3x']);
    expect(redactor.redact('the password was Tr0ub4dor&3x, sadly')).toBe('the password was [REDACTED secret], sadly');
  });
});

describe('a secret slot never reaches across a line break', () => {
  it('an empty assignment does not take the next line as its value', () => {
    expect(findSecrets('STRIPE_WEBHOOK_SECRET=\nDATABASE_HOST=db.internal.example\n')).toEqual([]);
  });
});
