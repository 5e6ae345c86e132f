/**
 * Secret detection and redaction. One table of formats serves both: the probe that reports
 * hard-coded secrets, and the redactor every printed or written text passes through.
 */

export interface SecretFormat {
  readonly id: string;
  readonly title: string;
  /** Must be global. When it has a group named `value`, only that group is the secret. */
  readonly pattern: RegExp;
}

export const SECRET_FORMATS: readonly SecretFormat[] = [
  {
    id: 'private-key',
    title: 'Private key',
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { id: 'aws-access-key-id', title: 'AWS access key ID', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    pattern: /aws_?secret_?access_?key[^\S\n]{0,4}['"]?[^\S\n]*[=:][^\S\n]*['"]?(?<value>[A-Za-z0-9/+=]{40})\b/gi,
  },
  { id: 'github-token', title: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g },
  { id: 'stripe-secret-key', title: 'Stripe secret key', pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { id: 'stripe-webhook-secret', title: 'Stripe webhook signing secret', pattern: /\bwhsec_[A-Za-z0-9]{16,}\b/g },
  { id: 'anthropic-api-key', title: 'Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { id: 'openai-api-key', title: 'OpenAI API key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}/g },
  { id: 'slack-token', title: 'Slack token', pattern: /\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}/g },
  { id: 'slack-webhook', title: 'Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/g },
  { id: 'google-api-key', title: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { id: 'google-oauth-client-secret', title: 'Google OAuth client secret', pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g },
  { id: 'gitlab-token', title: 'GitLab token', pattern: /\bgl(?:pat|dt|ptt|rt)-[A-Za-z0-9_-]{20,}/g },
  { id: 'huggingface-token', title: 'Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{34,}\b/g },
  { id: 'azure-storage-key', title: 'Azure storage account key', pattern: /\bAccountKey=(?<value>[A-Za-z0-9+/]{40,}={0,2})/g },
  { id: 'sendgrid-api-key', title: 'SendGrid API key', pattern: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g },
  { id: 'twilio-api-key', title: 'Twilio API key', pattern: /\bSK[0-9a-f]{32}\b/g },
  // Mollie live API keys are `live_` + 30 mixed-case characters; Adyen's public client keys (`live_` + upper case) are not matched.
  { id: 'mollie-api-key', title: 'Mollie live API key', pattern: /\blive_(?=[A-Za-z0-9]{0,29}[a-z])[A-Za-z0-9]{30}\b/g },
  { id: 'npm-token', title: 'npm access token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  {
    id: 'jwt',
    title: 'JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
  },
  {
    id: 'connection-string-password',
    title: 'Password in a connection string',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:(?<value>[^\s@/'"$<>{}]{4,})@/gi,
  },
  {
    id: 'assigned-secret',
    title: 'Secret assigned in code or config',
    pattern:
      /\b[A-Za-z0-9_]*(?:secret|password|passwd|pwd|token|api_?key|apikey|private_?key|client_?secret|auth_?key)[A-Za-z0-9_]*['"]?[ \t]*[:=][ \t]*(?<quote>['"`]?)(?<value>[^\s'"`,;)}]{8,})/gi,
  },
];

export interface SecretMatch {
  readonly format: string;
  readonly value: string;
  /** Offsets of `value` in the scanned text. */
  readonly start: number;
  readonly end: number;
}

/** Values that look like a secret's slot but are not a secret. */
const PLACEHOLDER =
  /^(?:process\.env|import\.meta\.env|env\.|config\.|process\b|\$\{|\{\{|<|%|os\.environ|getenv|secrets\.|vars\.|changeme|change-me|your[-_]|example|placeholder|dummy|xxx+|\*{3,}|redacted|\[REDACTED|undefined|null|true|false|required|optional|string|number|boolean)/i;

function looksLikeSecretValue(value: string, quoted: boolean): boolean {
  if (PLACEHOLDER.test(value)) return false;
  // Unquoted, a value holding regex or code punctuation is an expression or a type, not a secret.
  if (!quoted && /[()[\]{}\\|?*^<>]/.test(value)) return false;
  // Identifiers and property paths (`options.token`, `getToken`) are code, not secrets.
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(|$)/.test(value) && !/\d/.test(value)) return false;
  if (/^[A-Z0-9_]+$/.test(value) && value.includes('_')) return false; // an env var name
  return new Set(value).size >= 5;
}

export function findSecrets(text: string): SecretMatch[] {
  const matches: SecretMatch[] = [];
  for (const format of SECRET_FORMATS) {
    format.pattern.lastIndex = 0;
    for (const match of text.matchAll(format.pattern)) {
      const value = match.groups?.value ?? match[0];
      const start = (match.index ?? 0) + match[0].indexOf(value);
      if (format.id === 'assigned-secret' || format.id === 'connection-string-password') {
        if (!looksLikeSecretValue(value, match.groups?.quote !== '')) continue;
      }
      matches.push({ format: format.id, value, start, end: start + value.length });
    }
  }
  return dropOverlaps(matches);
}

/** Keeps the earliest, longest match where formats overlap (a Stripe key is also an assigned secret). */
function dropOverlaps(matches: SecretMatch[]): SecretMatch[] {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: SecretMatch[] = [];
  for (const match of sorted) {
    const last = kept.at(-1);
    if (last && match.start < last.end) continue;
    kept.push(match);
  }
  return kept;
}

export function redactionMarker(format: string): string {
  return `[REDACTED ${format}]`;
}

/** Replaces every secret found by format in `text`. */
export function redactSecrets(text: string): string {
  const matches = findSecrets(text);
  if (matches.length === 0) return text;
  let out = '';
  let cursor = 0;
  for (const match of matches) {
    out += text.slice(cursor, match.start) + redactionMarker(match.format);
    cursor = match.end;
  }
  return out + text.slice(cursor);
}

/**
 * Redacts by format and also every secret value already seen in the target, so a value
 * quoted out of its context (where no format would recognise it) is still hidden.
 */
export class Redactor {
  private readonly known: string[];

  constructor(knownValues: Iterable<string> = []) {
    // Longest first so a value that contains another is replaced whole.
    this.known = [...new Set(knownValues)].filter((v) => v.length >= 6).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = redactSecrets(text);
    for (const value of this.known) {
      if (out.includes(value)) out = out.split(value).join(redactionMarker('secret'));
    }
    return out;
  }
}
