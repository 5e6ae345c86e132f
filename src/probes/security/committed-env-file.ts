import { findSecrets } from '../../repo/secrets.js';
import { isTestFile } from '../context.js';
import { defineProbe, type Hit } from '../types.js';

/** Templates document the variables; test and CI env files hold throwaway local values. */
const TEMPLATE_FILE = /(?:^|[./_-])(?:example|sample|template|tpl|dist|defaults?|schema|test|testing|ci|e2e)(?:[./_-]|$)/i;
const SECRET_KEY = /(?:^|_)(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|PASS|PASSPHRASE|CREDENTIALS?|PRIVATE|AUTH)(?:_|$)|(?:DATABASE|DB|REDIS|MONGO(?:DB)?|POSTGRES|MYSQL|AMQP|RABBITMQ)_?URL$|APIKEY/;
/** Names of settings around a secret, not the secret: `JWT_EXPIRES_IN`, `API_KEY_HEADER`, `AWS_SECRET_NAME`. */
const NOT_SECRET_KEY = /_(?:PATH|FILE|DIR|NAME|ID|REGION|ALGORITHM|ALG|EXPIRES?(?:_IN)?|EXPIRY|TTL|LENGTH|HEADER|ISSUER|AUDIENCE|PREFIX|ENABLED|TYPE|VERSION|HOST|PORT|USER(?:NAME)?)$/;
/** Browser-exposed by design: these end up in the client bundle anyway. */
const PUBLIC_KEY = /^(?:NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|PUBLIC_|NUXT_PUBLIC_|GATSBY_)|PUBLISHABLE|PUBLIC_KEY/;
const PLACEHOLDER = /^(?:changeme|change[-_]?me|change[-_]?this|replace[-_]?me|your[-_].*|<.*>|\$\{.*\}|\$[A-Z_]+|\{\{.*\}\}|x{3,}.*|\*+|\.{3}|todo|tbd|example.*|placeholder|dummy|fake.*|test|none|null|secret|password)$/i;
/** Default passwords of local database containers (`postgres:postgres@db`). */
const DEV_PASSWORD = /^(?:postgres|postgresql|password|pass|root|admin|secret|mysql|mongo|redis|example|dev|local|docker|user|test|app)$/i;
const LOCAL_HOST = /@(?:localhost|127\.0\.0\.1|0\.0\.0\.0|host\.docker\.internal)(?::\d+)?(?:\/|$)/;
/** Formats that prove a live credential on their own (as in hardcoded-secret). */
const LIVE_FORMATS = new Set(['private-key', 'aws-access-key-id', 'aws-secret-access-key', 'github-token', 'stripe-secret-key', 'stripe-webhook-secret', 'anthropic-api-key', 'openai-api-key', 'slack-token', 'slack-webhook', 'sendgrid-api-key', 'npm-token', 'mollie-api-key', 'google-api-key', 'twilio-api-key']);

export default defineProbe({
  meta: {
    id: 'committed-env-file',
    title: 'Environment file with secrets committed',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-538',
    confidence: 'high',
    description: 'A `.env` file in the repository holds a real value for a secret variable (key, token, password, database URL).',
    impact: 'Everyone with access to the repository or its history holds the production credentials; they stay in git history after the file is deleted.',
    remediation: 'Rotate every value in the file, delete it from the repository and its history, add `.env*` to .gitignore, and commit a `.env.example` with placeholders instead.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['dotenv']).some((file) => !isTemplate(file.path)),
  detect(ctx) {
    return ctx.files(['dotenv']).filter((file) => !isTemplate(file.path)).flatMap((file) =>
      file.lines.flatMap((text, index): Hit[] => {
        const entry = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*[=:]\s*(.*)$/.exec(text);
        if (!entry) return [];
        const key = entry[1]!.toUpperCase();
        const value = unquote(entry[2]!);
        if (PLACEHOLDER.test(value)) return [];
        // A recognised live credential counts whatever its variable is called (`AWS_ACCESS_KEY_ID`, even `NEXT_PUBLIC_…`).
        const live = findSecrets(text).some((match) => LIVE_FORMATS.has(match.format) && !/_test_/.test(match.value));
        if (!live && (!SECRET_KEY.test(key) || NOT_SECRET_KEY.test(key) || PUBLIC_KEY.test(key) || !isRealValue(value))) return [];
        return [{ file, line: index + 1, message: `${entry[1]} has a ${live ? 'live-format credential' : 'real value'} committed in ${file.path}.`, severity: live ? 'CRITICAL' : 'HIGH' }];
      }),
    );
  },
});

function isTemplate(path: string): boolean {
  const name = path.split('/').at(-1) ?? '';
  return isTestFile(path) || TEMPLATE_FILE.test(name.replace(/^\.env/, ''));
}

function unquote(raw: string): string {
  const value = raw.trim();
  const quoted = /^(['"`])(.*?)\1/.exec(value);
  if (quoted) return quoted[2]!;
  return value.replace(/\s+#.*$/, '').trim();
}

function isRealValue(value: string): boolean {
  if (value.length < 8 || PLACEHOLDER.test(value)) return false;
  if (/^\d+[smhdw]?$|^(?:true|false|yes|no|on|off)$/i.test(value)) return false;
  // A path to a key file, not the key.
  if (/^(?:\.{0,2}\/|~\/)[\w./-]*$/.test(value)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    // A URL is a secret only through the password it carries, and local dev databases are not secrets.
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@/]+)@/i.exec(value)?.[1];
    return !!password && !PLACEHOLDER.test(password) && !DEV_PASSWORD.test(password) && !LOCAL_HOST.test(value);
  }
  return true;
}
