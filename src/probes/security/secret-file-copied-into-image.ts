import { dockerInstructions } from '../support/dockerfile.js';
import { defineProbe, type Hit } from '../types.js';

/** `.env`, `.env.production`, `prod.env`: files of real values (templates are matched out by TEMPLATE_NAME). */
const ENV_FILE = /^(?:\.env(?:\.[\w.-]+)?|[\w.-]+\.env)$/i;
/** Templates that document the variables with placeholders; copying them is harmless. */
const TEMPLATE_NAME = /(?:^|[._-])(?:example|sample|template|tpl|dist|defaults?|schema|test|testing|ci|e2e)(?:[._-]|$)/i;
/** Private keys and keystores; `*.pem` only when named as a key, since CA bundles (`rds-ca.pem`) are public. */
const KEY_FILE = /^(?:id_(?:rsa|dsa|ecdsa|ed25519)|[\w.-]*\.(?:key|p12|pfx|jks|keystore)|[\w.-]*(?:key|private|priv)[\w.-]*\.pem|\.netrc|\.pgpass|\.git-credentials|credentials|service[-_]?account[\w.-]*\.json|gcp[-_]credentials[\w.-]*\.json)$/i;

export default defineProbe({
  meta: {
    id: 'secret-file-copied-into-image',
    title: 'Secret file copied into a container image',
    category: 'Security',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-538',
    confidence: 'high',
    description: 'A Dockerfile `COPY`/`ADD`s an environment file (`.env`, `.env.production`) or a private key into the image.',
    impact: 'Every copy of the image (registry, CI cache, a laptop that pulled it) carries the credentials in a layer, readable with `docker save` even if a later step deletes the file.',
    remediation: 'Pass secrets at run time (environment from the orchestrator or a secret manager) or, for build-time needs, use `RUN --mount=type=secret`; add `.env*` and key files to `.dockerignore`.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['dockerfile']).length > 0,
  detect(ctx) {
    return ctx.files(['dockerfile']).flatMap((file) =>
      dockerInstructions(file).flatMap((instruction): Hit[] => {
        if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return [];
        const secret = copiedSources(instruction.args).find(isSecretFile);
        return secret ? [{ file, line: instruction.line, message: `${instruction.keyword} ${secret} bakes a secret file into an image layer.` }] : [];
      }),
    );
  },
});

/** The source operands of COPY/ADD (all but the last), in shell or JSON form; none when copying from another stage or image. */
function copiedSources(args: string): string[] {
  const words = args.trim().startsWith('[') ? jsonWords(args) : args.trim().split(/\s+/);
  const operands = words.filter((word) => !word.startsWith('--'));
  if (words.some((word) => /^--from=/.test(word))) return [];
  return operands.slice(0, -1);
}

function jsonWords(args: string): string[] {
  try {
    const parsed: unknown = JSON.parse(args.trim());
    return Array.isArray(parsed) ? parsed.filter((word): word is string => typeof word === 'string') : [];
  } catch {
    return [];
  }
}

function isSecretFile(source: string): boolean {
  const name = source.replace(/\/+$/, '').split('/').at(-1) ?? '';
  if (/[*?[]/.test(name)) return false; // a glob may match only templates
  if (ENV_FILE.test(name)) return !TEMPLATE_NAME.test(name.replace(/^\.env/, ''));
  return KEY_FILE.test(name);
}
