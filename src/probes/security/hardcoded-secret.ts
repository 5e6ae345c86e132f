import { SECRET_FORMATS } from '../../repo/secrets.js';
import { isTestFile } from '../context.js';
import { defineProbe } from '../types.js';

const TITLES = new Map(SECRET_FORMATS.map((format) => [format.id, format.title]));
/** Formats that prove a live credential on their own; the rest are judged by where they sit. */
const LIVE_FORMATS = new Set(['private-key', 'aws-access-key-id', 'aws-secret-access-key', 'github-token', 'stripe-secret-key', 'stripe-webhook-secret', 'anthropic-api-key', 'openai-api-key', 'slack-token', 'sendgrid-api-key', 'npm-token']);

const COMPOSE = /(?:^|\/)(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$/;
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
    const byPath = new Map(ctx.view.files.map((file) => [file.path, file]));
    return ctx.view.secrets.flatMap((secret) => {
      const file = byPath.get(secret.file);
      // .env files are judged by committed-env-file; docs and tests quote examples.
      if (!file || file.language === 'dotenv' || file.language === 'markdown' || isTestFile(file.path)) return [];
      // A compose file's throwaway database password for the local stack (`postgres`, `app-local`, `devpass`) guards nothing real.
      if (!LIVE_FORMATS.has(secret.format) && COMPOSE.test(file.path) && DEV_VALUE.test(secret.value)) return [];
      const title = TITLES.get(secret.format) ?? 'Secret';
      const live = LIVE_FORMATS.has(secret.format) && !/_test_/.test(secret.value);
      return [{ file, line: secret.line, message: `${title} written in ${file.path}.`, severity: live ? 'CRITICAL' : 'HIGH' }];
    });
  },
});
