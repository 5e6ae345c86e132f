import fs from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Paths never worth auditing: dependencies, build output, generated and vendored code, our own reports. */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '.git/',
  'node_modules/',
  'bower_components/',
  'jspm_packages/',
  'vendor/',
  'third_party/',
  'dist/',
  'build/',
  'out/',
  '.next/',
  '.nuxt/',
  '.svelte-kit/',
  '.turbo/',
  '.cache/',
  'coverage/',
  '.nyc_output/',
  '*.min.js',
  '*.min.css',
  '*.bundle.js',
  '*.map',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  '.prod-audit/',
  'packages/docs/audits/',
];

/** One directory's .gitignore, which speaks of paths relative to that directory. */
interface ScopedRules {
  readonly base: string; // posix, relative to the root; '' for the root
  readonly rules: Ignore;
}

/**
 * .gitignore semantics for a whole tree: the default excludes plus every .gitignore met on the
 * way down, each applied to paths below its own directory (as git does).
 */
export class IgnoreRules {
  private constructor(private readonly scopes: readonly ScopedRules[]) {}

  /** `.git/` is always excluded; the other defaults unless `defaults` replaces them. */
  static create(defaults: readonly string[] = DEFAULT_EXCLUDES, extra: readonly string[] = []): IgnoreRules {
    return new IgnoreRules([{ base: '', rules: ignore().add(['.git/', ...defaults, ...extra]) }]);
  }

  /** Returns the rules for a child directory, adding its .gitignore when it has one. */
  async enter(absoluteDir: string, relativeDir: string): Promise<IgnoreRules> {
    let text: string;
    try {
      text = await fs.readFile(path.join(absoluteDir, '.gitignore'), 'utf8');
    } catch {
      return this;
    }
    return new IgnoreRules([...this.scopes, { base: relativeDir, rules: ignore().add(text) }]);
  }

  /** `relativePath` is posix and relative to the root; directories end with '/'. */
  ignores(relativePath: string): boolean {
    for (const { base, rules } of this.scopes) {
      if (base !== '' && !relativePath.startsWith(`${base}/`)) continue;
      const local = base === '' ? relativePath : relativePath.slice(base.length + 1);
      if (local !== '' && rules.ignores(local)) return true;
    }
    return false;
  }
}
