import { isScript, type Language } from '../repo/language.js';
import type { RepoView, SourceFile } from '../repo/view.js';
import { nodesByKind, parseScript, ts } from './support/ast.js';
import { COMPONENT_FILE } from './support/components.js';
import { extractRoutes, type Middleware, type Route } from './support/routes.js';

/** Literals without which a file cannot register a route or middleware: the cheap test before parsing. */
const ROUTE_NEEDLE = /\.(?:get|post|put|patch|delete|all|route)(?:<[^()]*>)?\(\s*['"`\/{[]|\.use\(|addHook\(|\.register\(|@Controller|useGlobalGuards/;
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
  private routeCache: { routes: Route[]; middleware: Middleware[] } | undefined;
  private dependencyCache: Set<string> | undefined;
  private manifestCache: Map<string, ReadonlySet<string>> | undefined;
  private readonly shippedCache = new Map<string, readonly SourceFile[]>();
  private readonly needleCache = new Map<string, Int8Array>();

  /**
   * `facts` makes this a file-scoped context (a shard of the view, in a worker): repo-wide answers come
   * from the facts, and asking for routes, which only the whole view can give, is an error.
   */
  constructor(
    readonly view: RepoView,
    private readonly facts?: RepoFacts,
  ) {}

  /** The repo-wide answers a file-scoped context needs, computed here over the whole view. */
  repoFacts(): RepoFacts {
    return { manifests: [...this.manifests()].map(([dir, deps]) => [dir, [...deps]] as const), isServer: this.isServer() };
  }

  /**
   * Files of the given languages, optionally only those containing any of `needles` (a cheap
   * prefilter before parsing). Tests, fixtures and type declarations are left out: they are not what runs.
   */
  files(languages: readonly Language[], needles?: readonly (string | RegExp)[]): SourceFile[] {
    const shipped = this.shipped(languages);
    if (!needles) return [...shipped];
    const memos = needles.map((needle) => this.memoOf(languages, shipped, needle));
    return shipped.filter((file, index) => needles.some((needle, n) => contains(file, index, needle, memos[n])));
  }

  /** Files of some languages, tests left out; the list is shared by every probe asking for the same languages. */
  private shipped(languages: readonly Language[]): readonly SourceFile[] {
    const key = languages.join(',');
    let list = this.shippedCache.get(key);
    if (!list) {
      list = this.view.files.filter((file) => languages.includes(file.language) && !isTestFile(file.path) && !isDeclarationFile(file.path));
      this.shippedCache.set(key, list);
    }
    return list;
  }

  /**
   * Which files hold a needle, filled in as asked: probes prefilter with the same literals in
   * `applies()` and `detect()` and with each other's. Stateful (global or sticky) patterns get none.
   */
  private memoOf(languages: readonly Language[], shipped: readonly SourceFile[], needle: string | RegExp): Int8Array | undefined {
    if (typeof needle !== 'string' && (needle.global || needle.sticky)) return undefined;
    const key = `${languages.join(',')}\0${typeof needle === 'string' ? `s${needle}` : `r${needle.flags}/${needle.source}`}`;
    let memo = this.needleCache.get(key);
    if (!memo) {
      memo = new Int8Array(shipped.length);
      this.needleCache.set(key, memo);
    }
    return memo;
  }

  /** JS/TS files that ship, optionally prefiltered by literal needles. */
  scripts(needles?: readonly (string | RegExp)[]): SourceFile[] {
    return this.files(['typescript', 'javascript'], needles);
  }

  /**
   * Vue and Svelte single-file components that ship, optionally prefiltered. Browser code by construction;
   * `componentScript` (support/components) gives their script blocks to parse with `ast`, lines kept.
   */
  components(needles?: readonly (string | RegExp)[]): SourceFile[] {
    return this.files(['other'], needles).filter((file) => COMPONENT_FILE.test(file.path));
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
    return (nodesByKind(this.ast(file)).get(kind) ?? []) as T[];
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
    if (this.facts) throw new Error('Routes and middleware span files: a probe that reads them must not declare scope "file"');
    if (!this.routeCache) {
      const routes: Route[] = [];
      const middleware: Middleware[] = [];
      const candidates = this.scripts().filter((file) => ROUTE_NEEDLE.test(file.text) || NEXT_ROUTE_PATH.test(file.path));
      // A hapi project (and no Fastify): `route({ method, path })` objects are hapi's even in files that do not say so.
      const hapi = this.hasDependency('@hapi/hapi', 'hapi') && !this.hasDependency('fastify');
      for (const file of candidates) {
        const found = extractRoutes(file, this.ast(file), { hapi });
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
    // Folders are keyed with their trailing slash, so the nearest manifest is the first ancestor folder found.
    const manifests = this.manifests();
    for (let end = path.lastIndexOf('/'); end >= 0; end = path.lastIndexOf('/', end - 1)) {
      const deps = manifests.get(path.slice(0, end + 1));
      if (deps) return deps;
      if (end === 0) break;
    }
    return manifests.get('');
  }

  /** Each package.json's folder (with its trailing slash) and its dependencies, parsed once. */
  private manifests(): ReadonlyMap<string, ReadonlySet<string>> {
    if (!this.manifestCache && this.facts) this.manifestCache = manifestsOf(this.facts);
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
    // The dependency test first: it is free, and when it holds no file need be parsed for routes.
    if (this.facts) return this.facts.isServer;
    return this.hasDependency(...SERVER_PACKAGES) || this.routes().length > 0;
  }
}

/** Whether a file holds a needle; `memo` (1 yes, -1 no, 0 not yet known) remembers the answer by the file's index. */
function contains(file: SourceFile, index: number, needle: string | RegExp, memo: Int8Array | undefined): boolean {
  if (memo && memo[index] !== 0) return memo[index] === 1;
  const found = typeof needle === 'string' ? mayContain(file, needle) && file.text.includes(needle) : needle.test(file.text);
  if (memo) memo[index] = found ? 1 : -1;
  return found;
}

/**
 * Which three-character sequences occur in each file, hashed into 2^16 bits. Probes test some two hundred
 * needles against every file, and a needle is mostly absent: scanning the whole text to learn that dominated
 * the prefilter. A needle one of whose trigrams never occurs cannot occur either (a set bit proves nothing,
 * so the text is still searched then).
 */
const GRAM_BITS = 1 << 16;
const fileGrams = new WeakMap<SourceFile, Int32Array>();
const needleGrams = new Map<string, readonly number[]>();

function gram(a: number, b: number, c: number): number {
  return ((a * 1031 + b) * 1031 + c) & (GRAM_BITS - 1);
}

function mayContain(file: SourceFile, needle: string): boolean {
  if (needle.length < 3) return true;
  let bits = fileGrams.get(file);
  if (!bits) {
    bits = new Int32Array(GRAM_BITS / 32);
    const text = file.text;
    let a = 0;
    let b = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const g = gram(a, b, c);
      bits[g >>> 5]! |= 1 << (g & 31);
      a = b;
      b = c;
    }
    fileGrams.set(file, bits);
  }
  let grams = needleGrams.get(needle);
  if (!grams) {
    const list: number[] = [];
    for (let i = 2; i < needle.length; i++) list.push(gram(needle.charCodeAt(i - 2), needle.charCodeAt(i - 1), needle.charCodeAt(i)));
    needleGrams.set(needle, (grams = list));
  }
  for (const g of grams) if ((bits[g >>> 5]! & (1 << (g & 31))) === 0) return false;
  return true;
}

/** Repo-wide answers handed to a file-scoped context: each package.json's folder and dependencies, and whether the target serves HTTP. */
export interface RepoFacts {
  readonly manifests: readonly (readonly [string, readonly string[]])[];
  readonly isServer: boolean;
}

/** The facts' manifests as a map, built once per facts object and shared by every file's context. */
const factManifests = new WeakMap<RepoFacts, Map<string, ReadonlySet<string>>>();
function manifestsOf(facts: RepoFacts): Map<string, ReadonlySet<string>> {
  let map = factManifests.get(facts);
  if (!map) {
    map = new Map(facts.manifests.map(([dir, deps]) => [dir, new Set(deps)]));
    factManifests.set(facts, map);
  }
  return map;
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

/** Type declarations (`.d.ts`) describe code and run none: nothing a probe judges can happen in them. */
export function isDeclarationFile(path: string): boolean {
  return /\.d\.[cm]?ts$/.test(path);
}

export function isTestFile(path: string): boolean {
  return /(?:^|\/)(?:__tests__|__mocks__|tests?|spec|e2e|fixtures?)\/|\.(?:test|spec|e2e)\.[cm]?[jt]sx?$/.test(path);
}

export { isScript };
