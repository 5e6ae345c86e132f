import { isScript, type Language } from '../repo/language.js';
import type { RepoView, SourceFile } from '../repo/view.js';
import { parseScript, ts } from './support/ast.js';
import { extractRoutes, type Middleware, type Route } from './support/routes.js';

/** Literals without which a file cannot register a route or middleware: the cheap test before parsing. */
const ROUTE_NEEDLES = ['.get(', '.post(', '.put(', '.patch(', '.delete(', '.all(', '.route(', '.use(', 'addHook', 'register(', '@Controller', 'useGlobalGuards'];
const NEXT_ROUTE_PATH = /(?:^|\/)(?:app\/(?:.*\/)?route|pages\/api\/.*)\.[cm]?[jt]sx?$/;

/** Packages whose presence means the target is a server (so server-only probes apply). */
const SERVER_PACKAGES = ['express', 'fastify', '@nestjs/core', 'next', 'koa', 'hapi', '@hapi/hapi', 'restify', 'hono'];

/**
 * What every probe reads: the collected view plus work shared between probes (one parse per file,
 * one route extraction per audit), computed lazily and memoised.
 */
export class ProbeContext {
  private readonly asts = new Map<string, ts.SourceFile>();
  private routeCache: { routes: Route[]; middleware: Middleware[] } | undefined;
  private dependencyCache: Set<string> | undefined;

  constructor(readonly view: RepoView) {}

  /** Files of the given languages, optionally only those containing any of `needles` (a cheap prefilter before parsing). */
  files(languages: readonly Language[], needles?: readonly (string | RegExp)[]): SourceFile[] {
    return this.view.files.filter(
      (file) => languages.includes(file.language) && (!needles || needles.some((n) => (typeof n === 'string' ? file.text.includes(n) : n.test(file.text)))),
    );
  }

  /** JS/TS files, optionally prefiltered by literal needles. Test files are left out: they are not what ships. */
  scripts(needles?: readonly (string | RegExp)[]): SourceFile[] {
    return this.files(['typescript', 'javascript'], needles).filter((file) => !isTestFile(file.path));
  }

  ast(file: SourceFile): ts.SourceFile {
    let sf = this.asts.get(file.path);
    if (!sf) {
      sf = parseScript(file);
      this.asts.set(file.path, sf);
    }
    return sf;
  }

  routes(): readonly Route[] {
    return this.routeData().routes;
  }

  middleware(): readonly Middleware[] {
    return this.routeData().middleware;
  }

  private routeData(): { routes: Route[]; middleware: Middleware[] } {
    if (!this.routeCache) {
      const routes: Route[] = [];
      const middleware: Middleware[] = [];
      const candidates = this.scripts().filter((file) => ROUTE_NEEDLES.some((needle) => file.text.includes(needle)) || NEXT_ROUTE_PATH.test(file.path));
      for (const file of candidates) {
        const found = extractRoutes(file, this.ast(file));
        routes.push(...found.routes);
        middleware.push(...found.middleware);
      }
      this.routeCache = { routes, middleware };
    }
    return this.routeCache;
  }

  /** Names of every dependency declared by any package.json in the target. */
  dependencies(): ReadonlySet<string> {
    if (!this.dependencyCache) {
      this.dependencyCache = new Set();
      for (const file of this.view.files) {
        if (!file.path.endsWith('package.json')) continue;
        try {
          const pkg = JSON.parse(file.text) as Record<string, unknown>;
          for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
            const deps = pkg[field];
            if (deps && typeof deps === 'object') for (const name of Object.keys(deps)) this.dependencyCache.add(name);
          }
        } catch {
          // A broken package.json in the target is the target's problem, not a reason to stop.
        }
      }
    }
    return this.dependencyCache;
  }

  hasDependency(...names: string[]): boolean {
    const deps = this.dependencies();
    return names.some((name) => deps.has(name));
  }

  /** True when the target serves HTTP: it declares routes or depends on a server framework. */
  isServer(): boolean {
    return this.routes().length > 0 || this.hasDependency(...SERVER_PACKAGES);
  }
}

export function isTestFile(path: string): boolean {
  return /(?:^|\/)(?:__tests__|__mocks__|tests?|spec|e2e|fixtures?)\/|\.(?:test|spec|e2e)\.[cm]?[jt]sx?$/.test(path);
}

export { isScript };
