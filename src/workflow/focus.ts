import { UserError } from '../errors.js';
import { globFilter } from '../mcp/glob.js';
import type { SystemMap } from '../model/system-map.js';
import type { ChangeSet } from '../repo/diff.js';
import type { RepoView } from '../repo/view.js';

/** Topics people ask for ("a security audit on auth and billing paths"), as path and route words. */
const TOPICS: Record<string, RegExp> = {
  auth: /auth|login|logout|signin|signup|session|jwt|passport|password|oauth|token|credential/i,
  billing: /billing|stripe|payment|checkout|invoice|subscription|charge|refund|order|pricing|webhook/i,
  payments: /stripe|payment|checkout|charge|refund|payout/i,
  migrations: /(?:^|\/)migrations?\/|\.sql$|schema\.prisma$/i,
  webhooks: /webhook|hooks?\//i,
  admin: /admin|backoffice|dashboard/i,
  uploads: /upload|multer|storage|s3|bucket|file/i,
  data: /prisma|database|(?:^|\/)db(?:\/|\.)|models?|repositor|entity|schema/i,
  deploy: /dockerfile|docker-compose|\.github\/workflows|k8s|kubernetes|helm|fly\.toml|vercel\.json|procfile/i,
};

export interface ResolvedFocus {
  readonly terms: readonly string[];
  /** The files in focus, sorted; findings elsewhere are out of scope for this run. */
  readonly files: ReadonlySet<string>;
}

/**
 * Turns --focus terms into files: a term with a slash, dot or wildcard is a glob over paths; a word is
 * a topic (known synonyms, else the word itself) matched against paths and against the routes in the
 * system map, so "billing" also picks up the file that declares POST /checkout.
 */
export function resolveFocus(terms: readonly string[], view: RepoView, map: SystemMap): ResolvedFocus {
  const files = new Set<string>();
  for (const term of terms) {
    const matched = view.files.map((f) => f.path).filter(matcher(term, map));
    if (matched.length === 0) {
      throw new UserError(`Focus "${term}" matches no audited file`, `Use a path or glob (src/payments/**) or a topic: ${Object.keys(TOPICS).join(', ')}.`);
    }
    for (const file of matched) files.add(file);
  }
  return { terms, files };
}

function matcher(term: string, map: SystemMap): (path: string) => boolean {
  if (/[/*.?[\]{}]/.test(term)) return globFilter(term);
  const word = TOPICS[term.toLowerCase()] ?? new RegExp(term.replace(/[^\w-]/g, ''), 'i');
  const routeFiles = new Set(map.routes.filter((route) => word.test(route.path)).map((route) => route.file));
  return (path) => word.test(path) || routeFiles.has(path);
}

/**
 * What an agent's assignment says about scope: the focus terms and (some of) its files, and in diff mode
 * the changed files. The result cache keys on the assignment, so the audit and the dry run build it here,
 * the one way.
 */
export function assignmentScope(focus: ResolvedFocus | undefined, changes: ChangeSet | undefined): { focus?: string[]; changed?: { since: string; files: string[] } } {
  return {
    ...(focus ? { focus: [...focus.terms, ...[...focus.files].slice(0, 200)] } : {}),
    ...(changes ? { changed: { since: changes.since, files: [...changes.files.keys()].slice(0, 500) } } : {}),
  };
}
