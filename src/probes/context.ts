import { isScript, type Language } from '../repo/language.js';
import type { RepoView, SourceFile } from '../repo/view.js';
import { parseScript, ts } from './support/ast.js';
import { extractRoutes, type Middleware, type Route } from './support/routes.js';

/** Literals without which a file cannot register a route or middleware: the cheap test before parsing. */
const ROUTE_NEEDLE = /\.(?:get|post|put|patch|delete|all|route)\(\s*['"`\/{]|\.use\(|addHook\(|\.register\(|@Controller|useGlobalGuards/;
const NEXT_ROUTE_PATH = /(?:^|\/)(?:app\/(?:.*\/)?route|pages\/api\/.*)\.[cm]?[jt]sx?$/;

/** Packages whose presence means the target is a server (so server-only probes apply). */
const SERVER_PACKAGES = ['express', 'fastify', '@nestjs/core', 'next', 'koa', 'hapi', '@hapi/hapi', 'restify', 'hono'];
const FRONT_END_PACKAGES = ['react', 'react-dom', 'vue', 'svelte', '@angular/core', 'solid-js', 'preact'];

/**
 * What every probe reads: the collected view plus work shared between probes (one parse per file,
 * one route extraction per audit), computed lazily and memoised.
 */
export class ProbeContext {
  private readonly asts = new Map<string, ts.SourceFile>();
  private readonly indexes = new Map<string, Map<ts.SyntaxKind, ts.Node[]>>();
  private routeCache: { routes: Route[]; middleware: Middleware[] } | undefined;
  private dependencyCache: Set<string> | undefined;
  private manifestCache: Map<string, ReadonlySet<string>> | undefined;

  constructor(readonly view: RepoView) {}

  /**
   * Files of the given languages, optionally only those containing any of `needles` (a cheap
   * prefilter before parsing). Tests and fixtures are left out: they are not what ships.
   */
  files(languages: readonly Language[], needles?: readonly (string | RegExp)[]): SourceFile[] {
    return this.view.files.filter(
      (file) =>
        languages.includes(file.language) &&
        !isTestFile(file.path) &&
        (!needles || needles.some((n) => (typeof n === 'string' ? file.text.includes(n) : n.test(file.text)))),
    );
  }

  /** JS/TS files that ship, optionally prefiltered by literal needles. */
  scripts(needles?: readonly (string | RegExp)[]): SourceFile[] {
    return this.files(['typescript', 'javascript'], needles);
  }

  ast(file: SourceFile): ts.SourceFile {
    let sf = this.asts.get(file.path);
    if (!sf) {
      sf = parseScript(file);
      this.asts.set(file.path, sf);
    }
    return sf;
  }

  /**
   * Every node of a kind in a file, from one shared walk: probes ask for calls or catch clauses
   * without each walking the whole tree again.
   */
  nodesOf<T extends ts.Node>(file: SourceFile, kind: ts.SyntaxKind): readonly T[] {
    let index = this.indexes.get(file.path);
    if (!index) {
      index = new Map();
      const built = index;
      const visit = (node: ts.Node): void => {
        const list = built.get(node.kind);
        if (list) list.push(node);
        else built.set(node.kind, [node]);
        ts.forEachChild(node, visit);
      };
      ts.forEachChild(this.ast(file), visit);
      this.indexes.set(file.path, index);
    }
    return (index.get(kind) ?? []) as T[];
  }

  /** Every call expression in a file, in source order. */
  calls(file: SourceFile): readonly ts.CallExpression[] {
    return this.nodesOf<ts.CallExpression>(file, ts.SyntaxKind.CallExpression);
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
      const candidates = this.scripts().filter((file) => ROUTE_NEEDLE.test(file.text) || NEXT_ROUTE_PATH.test(file.path));
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
    this.dependencyCache ??= new Set([...this.manifests().values()].flatMap((deps) => [...deps]));
    return this.dependencyCache;
  }

  /**
   * Browser code: a `'use client'` module, a React component, or a file whose nearest package.json
   * depends on a UI framework and on no server framework.
   */
  isFrontEnd(file: SourceFile): boolean {
    if (/^\s*['"]use client['"]/.test(file.text)) return true;
    if (/\.[jt]sx$/.test(file.path) && /(?:from\s+|require\()['"]react['"]/.test(file.text)) return true;
    const deps = this.nearestManifest(file.path);
    return deps !== undefined && FRONT_END_PACKAGES.some((d) => deps.has(d)) && !SERVER_PACKAGES.some((d) => deps.has(d));
  }

  /** Dependencies (all kinds) of the package.json closest above `path`. */
  private nearestManifest(path: string): ReadonlySet<string> | undefined {
    const manifests = this.manifests();
    let best: string | undefined;
    for (const dir of manifests.keys()) if (path.startsWith(dir) && (best === undefined || dir.length > best.length)) best = dir;
    return best === undefined ? undefined : manifests.get(best);
  }

  /** Each package.json's folder (with its trailing slash) and its dependencies, parsed once. */
  private manifests(): ReadonlyMap<string, ReadonlySet<string>> {
    if (!this.manifestCache) {
      this.manifestCache = new Map();
      for (const file of this.view.files) {
        if (file.path === 'package.json' || file.path.endsWith('/package.json')) {
          this.manifestCache.set(file.path.slice(0, -'package.json'.length), manifestDependencies(file.text));
        }
      }
    }
    return this.manifestCache;
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

/** Every dependency name a package.json declares; a broken manifest is the target's problem and declares nothing. */
function manifestDependencies(text: string): Set<string> {
  const names = new Set<string>();
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg[field];
      if (deps && typeof deps === 'object') for (const name of Object.keys(deps)) names.add(name);
    }
  } catch {
    // fall through: no dependencies known
  }
  return names;
}

export function isTestFile(path: string): boolean {
  return /(?:^|\/)(?:__tests__|__mocks__|tests?|spec|e2e|fixtures?)\/|\.(?:test|spec|e2e)\.[cm]?[jt]sx?$/.test(path);
}

export { isScript };
