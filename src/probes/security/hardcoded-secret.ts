import { SECRET_FORMATS } from '../../repo/secrets.js';
import { isTestFile, type ProbeContext } from '../context.js';
import { k8sObjects, type K8sObject } from '../support/k8s.js';
import { defineProbe, type Hit } from '../types.js';

const TITLES = new Map(SECRET_FORMATS.map((format) => [format.id, format.title]));
/** Formats that prove a live credential on their own; the rest are judged by where they sit. */
const LIVE_FORMATS = new Set(['private-key', 'aws-access-key-id', 'aws-secret-access-key', 'github-token', 'stripe-secret-key', 'stripe-webhook-secret', 'anthropic-api-key', 'openai-api-key', 'slack-token', 'sendgrid-api-key', 'npm-token', 'mollie-api-key']);

const COMPOSE = /(?:^|\/)(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$/;
/** Keys of a Kubernetes Secret that hold a credential (`JWT_SECRET`, `password`, `tls.key`, `DATABASE_URL`). */
const K8S_SECRET_KEY = /(?:^|_)(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS|PASSPHRASE|CREDENTIALS?|PRIVATE|AUTH|APIKEY)(?:_|$)|(?:DATABASE|DB|REDIS|MONGO(?:DB)?|POSTGRES|MYSQL|AMQP)_?URL$/;
const K8S_NOT_SECRET_KEY = /_(?:PATH|FILE|DIR|NAME|ID|REGION|ALGORITHM|EXPIRES?(?:_IN)?|TTL|HEADER|ISSUER|AUDIENCE|HOST|PORT|USER(?:NAME)?)$/;
/** Values rendered at deploy time (`${JWT_SECRET}`, `{{ .Values.x }}`, `$(VAR)`) or documentation slots (`<token>`). */
const K8S_TEMPLATED = /\$\{|\{\{|\$\(|^<.*>$/;
const DEV_VALUE = /^(?:postgres|password|secret|root|admin|mysql|guest)$|(?:^|[-_.])(?:local|localhost|dev|development|test|testing|example|sample|demo)(?:[-_.]|$)/i;

export default defineProbe({
  meta: {
    id: 'hardcoded-secret',
    title: 'Secret committed in source or config',
    category: 'Security',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-798',
    confidence: 'high',
    description: 'A credential (API key, token, private key or password) is written into a tracked file.',
    impact: 'Anyone with read access to the repository, its history or a leaked build can use the credential.',
    remediation: 'Revoke and rotate the credential, load it from the environment or a secret manager, and purge it from git history.',
    effort: 'hours',
  },
  detect(ctx) {
    const byFormat = formatHits(ctx);
    const reported = new Set(byFormat.map((hit) => `${hit.file.path}:${hit.line}`));
    return [...byFormat, ...k8sSecretHits(ctx).filter((hit) => !reported.has(`${hit.file.path}:${hit.line}`))];
  },
});

function formatHits(ctx: ProbeContext): Hit[] {
  const byPath = new Map(ctx.view.files.map((file) => [file.path, file]));
  return ctx.view.secrets.flatMap((secret): Hit[] => {
    const file = byPath.get(secret.file);
    // .env files are judged by committed-env-file; docs and tests quote examples.
    if (!file || file.language === 'dotenv' || file.language === 'markdown' || isTestFile(file.path)) return [];
    // A compose file's throwaway database password for the local stack (`postgres`, `app-local`, `devpass`) guards nothing real.
    if (!LIVE_FORMATS.has(secret.format) && COMPOSE.test(file.path) && DEV_VALUE.test(secret.value)) return [];
    const title = TITLES.get(secret.format) ?? 'Secret';
    const live = LIVE_FORMATS.has(secret.format) && !/_test_/.test(secret.value);
    return [{ file, line: secret.line, message: `${title} written in ${file.path}.`, severity: live ? 'CRITICAL' : 'HIGH' }];
  });
}

/**
 * A Kubernetes Secret's `stringData:`/`data:` entries written as literals. No format is needed here: the manifest
 * says the value is a secret, and even a weak one (`change-me`) is what the cluster signs tokens with.
 */
function k8sSecretHits(ctx: ProbeContext): Hit[] {
  return k8sObjects(ctx)
    .filter((object) => object.kind === 'Secret' && !isTestFile(object.file.path))
    .flatMap((object) => secretEntries(object).flatMap(({ line, key, value }): Hit[] => {
      const name = key.toUpperCase().replace(/[.-]/g, '_');
      if (!K8S_SECRET_KEY.test(name) || K8S_NOT_SECRET_KEY.test(name) || value === '' || K8S_TEMPLATED.test(value)) return [];
      return [{ file: object.file, line, message: `Kubernetes Secret ${object.name} holds ${key} as a literal in ${object.file.path}.`, severity: 'HIGH' }];
    }));
}

/** `key: value` lines of the Secret's top-level `stringData:` and `data:` blocks (`data:` values decoded from base64). */
function secretEntries(object: K8sObject): { line: number; key: string; value: string }[] {
  const entries: { line: number; key: string; value: string }[] = [];
  let block: 'stringData' | 'data' | undefined;
  object.lines.forEach((text, index) => {
    const top = /^(\w+):/.exec(text);
    if (top) block = top[1] === 'stringData' || top[1] === 'data' ? top[1] : undefined;
    const entry = /^\s+["']?([\w.-]+)["']?:\s*(.*?)\s*$/.exec(text);
    if (top || !block || !entry) return;
    const raw = entry[2]!.replace(/^(["'])(.*)\1$/, '$2');
    // Block scalars (`|`) span lines; a private key inside is caught by its format.
    if (/^[|>]/.test(raw)) return;
    const value = block === 'data' && !K8S_TEMPLATED.test(raw) ? Buffer.from(raw, 'base64').toString('utf8').trim() : raw;
    entries.push({ line: object.start + index + 1, key: entry[1]!, value });
  });
  return entries;
}
