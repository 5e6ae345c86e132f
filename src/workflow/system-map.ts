import path from 'node:path';
import type { DataStoreKind, MapDataStore, MapEntryPoint, MapEnvVar, MapExternalService, MapModel, MapPackage, MapRoute, SystemMap } from '../model/system-map.js';
import { isTestFile, type ProbeContext } from '../probes/context.js';
import { calleeName, expressionName, isFunctionLike, lineOf, stringValue, ts, walkNodes } from '../probes/support/ast.js';
import { isPublicPath, routeIsAuthenticated } from '../probes/support/auth.js';
import { dockerStages } from '../probes/support/dockerfile.js';
import { MUTATING } from '../probes/support/routes.js';
import { redactorFor } from '../repo/redactor.js';
import type { Redactor } from '../repo/secrets.js';
import type { SourceFile } from '../repo/view.js';

/** The map is handed to every agent: every list is bounded so a monorepo cannot flood a prompt. */
const CAPS = { routes: 500, envVars: 300, files: 5, entryPoints: 200, packages: 200, dependencies: 300, models: 300, deployFiles: 200, services: 100, dataStores: 50 };
/** Routes named inside one trust-boundary fact before it says "and N more". */
const FACT_ITEMS = 10;
const DETAIL_CHARS = 120;
const GUARD_CHARS = 80;

/**
 * The deterministic system map: what is known about the repository before any model runs.
 * Pure and reproducible (every list sorted); every string passes the target's redactor.
 */
export function buildSystemMap(ctx: ProbeContext): SystemMap {
  const manifests = readManifests(ctx);
  const imports = importIndex(ctx);
  const routes = mapRoutes(ctx, manifests);
  const caps = new Caps();
  const map: SystemMap = {
    languages: countLanguages(ctx),
    packages: caps.list('packages', manifests.map((m) => packageSummary(m, caps)), CAPS.packages),
    entryPoints: caps.list('entryPoints', entryPoints(ctx, manifests, imports), CAPS.entryPoints),
    routes: caps.list('routes', routes, CAPS.routes),
    dataStores: caps.list('dataStores', dataStores(ctx, manifests), CAPS.dataStores),
    models: caps.list('models', prismaModels(ctx), CAPS.models),
    externalServices: caps.files(caps.list('externalServices', externalServices(ctx, manifests, imports), CAPS.services)),
    envVars: caps.files(caps.list('envVars', envVars(ctx), CAPS.envVars)),
    deployFiles: caps.list('deployFiles', deployFiles(ctx), CAPS.deployFiles),
    trustBoundaries: trustBoundaries(routes),
    // Last on purpose: by now every cap above has been applied and recorded.
    limits: { routes: routes.length, truncated: caps.omitted().length > 0, omitted: caps.omitted() },
  };
  return redactStrings(map, redactorFor(ctx.view));
}

/** Applies the caps and remembers what it cut, so the map can say it is incomplete. */
class Caps {
  private readonly notes: string[] = [];
  private cutFileLists = 0;

  list<T>(label: string, items: T[], max: number): T[] {
    if (items.length <= max) return items;
    this.notes.push(`${label}: ${max} of ${items.length} listed`);
    return items.slice(0, max);
  }

  files<T extends { files: string[] }>(items: T[]): T[] {
    return items.map((item) => {
      if (item.files.length <= CAPS.files) return item;
      this.cutFileLists++;
      return { ...item, files: item.files.slice(0, CAPS.files) };
    });
  }

  omitted(): string[] {
    return this.cutFileLists > 0 ? [...this.notes, `file lists: ${this.cutFileLists} cut to ${CAPS.files} paths`] : [...this.notes];
  }
}

// ---------------------------------------------------------------------------------------------
// Packages

interface Manifest {
  readonly file: SourceFile;
  readonly name: string | null;
  readonly dependencies: string[];
  readonly scripts: Record<string, string>;
  readonly main: string | undefined;
  readonly bin: Record<string, string>;
}

/** Every package.json that ships; a manifest that does not parse is still listed, with nothing in it. */
function readManifests(ctx: ProbeContext): Manifest[] {
  return ctx
    .files(['json'])
    .filter((file) => path.posix.basename(file.path) === 'package.json')
    .map(parseManifest)
    .sort((a, b) => compare(a.file.path, b.file.path));
}

function parseManifest(file: SourceFile): Manifest {
  let pkg: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(file.text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) pkg = parsed as Record<string, unknown>;
  } catch {
    // a broken manifest declares nothing
  }
  const dependencies = new Set<string>();
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(stringRecord(pkg[field]))) dependencies.add(name);
  }
  const name = typeof pkg.name === 'string' ? pkg.name : null;
  // A string `bin` is installed under the package's own name.
  const bin = typeof pkg.bin === 'string' ? { [name ?? '(unnamed)']: pkg.bin } : stringRecord(pkg.bin);
  return {
    file,
    name,
    dependencies: [...dependencies].sort(compare),
    scripts: stringRecord(pkg.scripts),
    main: typeof pkg.main === 'string' ? pkg.main : undefined,
    bin,
  };
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function packageSummary(manifest: Manifest, caps: Caps): MapPackage {
  return {
    path: manifest.file.path,
    name: manifest.name,
    dependencies: caps.list(`${manifest.file.path} dependencies`, manifest.dependencies, CAPS.dependencies),
    scripts: Object.keys(manifest.scripts).sort(compare),
  };
}

/** The manifest governing a file: the package.json in its closest ancestor folder. */
function nearestManifest(manifests: readonly Manifest[], filePath: string): Manifest | undefined {
  const dirOf = (m: Manifest): string => m.file.path.slice(0, -'package.json'.length);
  let best: Manifest | undefined;
  for (const manifest of manifests) {
    if (filePath.startsWith(dirOf(manifest)) && (!best || dirOf(manifest).length > dirOf(best).length)) best = manifest;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Languages

function countLanguages(ctx: ProbeContext): Record<string, number> {
  const counts = new Map<string, number>();
  for (const file of ctx.view.files) if (!isTestFile(file.path)) counts.set(file.language, (counts.get(file.language) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => compare(a, b)));
}

// ---------------------------------------------------------------------------------------------
// Imports

/** Package names each shipped script imports (type-only imports included: they name what the file handles). */
function importIndex(ctx: ProbeContext): Map<string, ReadonlySet<string>> {
  const index = new Map<string, ReadonlySet<string>>();
  for (const file of ctx.scripts(['import', 'require('])) index.set(file.path, importedPackages(ctx.ast(file)));
  return index;
}

function importedPackages(sf: ts.SourceFile): Set<string> {
  const packages = new Set<string>();
  const add = (specifier: string | undefined): void => {
    const name = specifier === undefined ? undefined : packageOf(specifier);
    if (name) packages.add(name);
  };
  walkNodes(sf, (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) add(stringValue(node.moduleSpecifier));
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(stringValue(node.moduleReference.expression));
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(stringValue(node.arguments[0]));
    }
  });
  return packages;
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; relative paths and Node built-ins are not packages. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier.startsWith('#')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return name && !name.startsWith('@types/') ? name : undefined;
}

function filesImporting(imports: Map<string, ReadonlySet<string>>, pkg: string): string[] {
  return [...imports].filter(([, packages]) => packages.has(pkg)).map(([file]) => file);
}

// ---------------------------------------------------------------------------------------------
// Entry points

function entry(file: SourceFile | string, line: number, kind: MapEntryPoint['kind'], detail: string): MapEntryPoint {
  return { file: typeof file === 'string' ? file : file.path, line: Math.max(1, line), kind, detail: shorten(detail, DETAIL_CHARS) };
}

function entryPoints(ctx: ProbeContext, manifests: readonly Manifest[], imports: Map<string, ReadonlySet<string>>): MapEntryPoint[] {
  const entries = [...listenCalls(ctx), ...manifestEntries(manifests), ...containerCommands(ctx), ...nextApps(ctx, manifests), ...serverlessHandlers(ctx), ...workers(ctx, imports)];
  return entries.sort((a, b) => compare(a.file, b.file) || a.line - b.line || compare(a.kind, b.kind) || compare(a.detail, b.detail));
}

/** `app.listen(port)`: an HTTP (or socket) server starts here. Callbacks are elided: the port is the fact. */
function listenCalls(ctx: ProbeContext): MapEntryPoint[] {
  const found: MapEntryPoint[] = [];
  for (const file of ctx.scripts(['.listen('])) {
    walkNodes(ctx.ast(file), (node) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== 'listen') return;
      const args = node.arguments.map((arg) => (isFunctionLike(arg) ? '…' : arg.getText())).join(', ');
      found.push(entry(file, lineOf(node), 'http-listen', `${expressionName(node.expression.expression)}.listen(${args})`));
    });
  }
  return found;
}

function manifestEntries(manifests: readonly Manifest[]): MapEntryPoint[] {
  return manifests.flatMap((m) => {
    const found: MapEntryPoint[] = [];
    if (m.main) found.push(entry(m.file, keyLine(m.file, 'main'), 'package-main', `main ${m.main}`));
    for (const [name, target] of Object.entries(m.bin)) found.push(entry(m.file, keyLine(m.file, 'bin'), 'package-bin', `bin ${name} → ${target}`));
    const start = m.scripts.start;
    if (start !== undefined) found.push(entry(m.file, keyLine(m.file, 'start', 'scripts'), 'start-script', `npm start: ${start}`));
    return found;
  });
}

/** Line of a JSON key, looked for after `within`'s own key when given (`"start"` inside `"scripts"`). */
function keyLine(file: SourceFile, key: string, within?: string): number {
  const from = within === undefined ? 0 : Math.max(0, file.lines.findIndex((text) => text.includes(`"${within}"`)));
  const index = file.lines.findIndex((text, i) => i >= from && new RegExp(`^\\s*"${key}"\\s*:`).test(text));
  return index < 0 ? 1 : index + 1;
}

/** How the container or platform starts the app: the final Dockerfile stage's CMD/ENTRYPOINT, Procfile processes. */
function containerCommands(ctx: ProbeContext): MapEntryPoint[] {
  const found: MapEntryPoint[] = [];
  for (const file of ctx.files(['dockerfile'])) {
    const last = dockerStages(file).at(-1) ?? [];
    for (const keyword of ['ENTRYPOINT', 'CMD']) {
      const instruction = last.filter((i) => i.keyword === keyword).at(-1);
      if (instruction) found.push(entry(file, instruction.line, 'start-script', `${keyword} ${instruction.args}`));
    }
  }
  for (const file of ctx.files(['other']).filter((f) => path.posix.basename(f.path) === 'Procfile')) {
    file.lines.forEach((text, index) => {
      const declared = /^([A-Za-z0-9_-]+):\s*(\S.*)$/.exec(text.trim());
      if (declared) found.push(entry(file, index + 1, declared[1] === 'web' ? 'start-script' : 'worker', `Procfile ${declared[1]}: ${declared[2]}`));
    });
  }
  return found;
}

const NEXT_CONFIG = /(?:^|\/)next\.config\.[cm]?[jt]s$/;
const NEXT_APP_ROUTER = /^((?:.*?\/)?app)\/(?:.*\/)?(?:layout|page|route)\.[cm]?[jt]sx?$/;
const NEXT_PAGES_ROUTER = /^((?:.*\/)?pages)\/.+\.[cm]?[jt]sx?$/;

/** One entry per Next.js router folder; `app/` and `pages/` only count under a package that uses Next. */
function nextApps(ctx: ProbeContext, manifests: readonly Manifest[]): MapEntryPoint[] {
  const configs = ctx.scripts().filter((f) => NEXT_CONFIG.test(f.path));
  const usesNext = (filePath: string): boolean => {
    const manifest = nearestManifest(manifests, filePath);
    return manifest ? manifest.dependencies.includes('next') : configs.length > 0;
  };
  const routers = new Map<string, MapEntryPoint>();
  for (const file of ctx.scripts()) {
    const app = NEXT_APP_ROUTER.exec(file.path);
    const pages = app ? undefined : NEXT_PAGES_ROUTER.exec(file.path);
    const dir = app?.[1] ?? pages?.[1];
    if (dir === undefined || routers.has(dir) || !usesNext(file.path)) continue;
    routers.set(dir, entry(file, 1, 'nextjs-app', `Next.js ${app ? 'app' : 'pages'} router in ${dir}/`));
  }
  const found = [...routers.values()];
  for (const config of configs) {
    const dir = path.posix.dirname(config.path);
    const covered = found.some((e) => dir === '.' || e.file.startsWith(`${dir}/`));
    if (!covered) found.push(entry(config, 1, 'nextjs-app', `Next.js app configured by ${config.path}`));
  }
  return found;
}

/** Lambda-style `handler` exports, and `export default { fetch }` modules (Workers, Bun). */
function serverlessHandlers(ctx: ProbeContext): MapEntryPoint[] {
  const found: MapEntryPoint[] = [];
  for (const file of ctx.scripts(['handler', 'export default'])) {
    for (const statement of ctx.ast(file).statements) {
      const detail = handlerExport(statement);
      if (detail) found.push(entry(file, lineOf(statement), 'serverless-handler', detail));
    }
  }
  return found;
}

const WORKER_METHODS = ['fetch', 'scheduled', 'queue', 'email'];

function handlerExport(statement: ts.Statement): string | undefined {
  if (ts.isFunctionDeclaration(statement) && statement.name?.text === 'handler' && hasExport(statement)) return 'export function handler';
  if (ts.isVariableStatement(statement) && hasExport(statement)) {
    if (statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === 'handler')) return 'export const handler';
  }
  if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const target = expressionName(statement.expression.left);
    if (target === 'exports.handler' || target === 'module.exports.handler') return `${target} =`;
  }
  if (ts.isExportAssignment(statement) && ts.isObjectLiteralExpression(statement.expression)) {
    const methods = statement.expression.properties.map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : '')).filter((n) => WORKER_METHODS.includes(n));
    if (methods.length > 0) return `export default { ${methods.join(', ')} }`;
  }
  return undefined;
}

function hasExport(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** Background consumers, recognised only in files that import the library they come from. */
function workers(ctx: ProbeContext, imports: Map<string, ReadonlySet<string>>): MapEntryPoint[] {
  const found: MapEntryPoint[] = [];
  for (const file of ctx.scripts(['Worker', '.process(', "'message'", '"message"', '.consume(', '.run(', 'Consumer.create', 'schedule(', 'CronJob', '.work('])) {
    const packages = imports.get(file.path) ?? new Set<string>();
    walkNodes(ctx.ast(file), (node) => {
      const detail = (ts.isCallExpression(node) || ts.isNewExpression(node)) && workerDetail(node, packages);
      if (detail) found.push(entry(file, lineOf(node), 'worker', detail));
    });
  }
  return found;
}

function workerDetail(call: ts.CallExpression | ts.NewExpression, packages: ReadonlySet<string>): string | undefined {
  const name = calleeName(call);
  const method = name.split('.').at(-1) ?? '';
  const first = call.arguments?.[0];
  const label = stringValue(first) ?? first?.getText() ?? '';
  if (ts.isNewExpression(call)) {
    if (name === 'Worker' && packages.has('bullmq')) return `bullmq Worker(${label})`;
    if (name === 'CronJob' && packages.has('cron')) return `cron CronJob(${label})`;
    return undefined;
  }
  if (method === 'on' && /^(?:process|parentPort)$/.test(name.slice(0, -'.on'.length)) && label === 'message') return `${name}('message')`;
  if (method === 'process' && (packages.has('bull') || packages.has('bee-queue'))) return `${packages.has('bull') ? 'bull' : 'bee-queue'} ${name}(${label})`;
  if (method === 'consume' && (packages.has('amqplib') || packages.has('amqp-connection-manager'))) return `amqp ${name}(${label})`;
  if (method === 'run' && packages.has('kafkajs') && first && ts.isObjectLiteralExpression(first)) return `kafkajs ${name}()`;
  if (name === 'Consumer.create' && packages.has('sqs-consumer')) return 'sqs-consumer Consumer.create()';
  if (method === 'schedule' && packages.has('node-cron')) return `node-cron ${name}(${label})`;
  if (method === 'work' && packages.has('pg-boss')) return `pg-boss ${name}(${label})`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Routes and trust boundaries

function mapRoutes(ctx: ProbeContext, manifests: readonly Manifest[]): MapRoute[] {
  return ctx
    .routes()
    .map((route) => ({
      method: route.method,
      path: route.path,
      file: route.file.path,
      line: route.line,
      framework: routeFramework(route.framework, nearestManifest(manifests, route.file.path)),
      authenticated: routeIsAuthenticated(ctx, route),
      guards: route.guards.map((guard) => shorten(guard, GUARD_CHARS)),
    }))
    .sort((a, b) => compare(a.path, b.path) || compare(a.method, b.method) || compare(a.file, b.file) || a.line - b.line);
}

/**
 * The extractor calls `x.get('/p', handler)` Express unless it sees Fastify's options object; the
 * package that owns the file settles it when it depends on Fastify and not on Express.
 */
function routeFramework(framework: MapRoute['framework'], manifest: Manifest | undefined): MapRoute['framework'] {
  const deps = manifest?.dependencies ?? [];
  return framework === 'express' && deps.includes('fastify') && !deps.includes('express') ? 'fastify' : framework;
}

const WEBHOOK_PATH = /webhook/i;
const AUTH_FLOW_PATH = /(?:^|\/)(?:auth|login|log-in|signin|sign-in|signup|sign-up|register|logout|oauth|callback|forgot|reset|password|password-reset|magic-link|otp|token|session)s?(?:\/|$|-|\?)/i;
const ADMIN_PATH = /(?:^|\/)admin(?:\/|$|-)/i;
const ADMIN_GUARD = /admin|role|permission/i;
const OPTIONAL_GUARD = /optional/i;
const HEALTH_PATH = /(?:^|\/)(?:health|healthz|ready|readyz|live|livez|ping|metrics|status)(?:\/|$)/i;

/** Facts read straight off the routes: what is open, what is meant to be open, what is privileged. */
function trustBoundaries(routes: readonly MapRoute[]): string[] {
  if (routes.length === 0) return ['no HTTP routes found'];
  const open = routes.filter((r) => !r.authenticated);
  const facts = [`${open.length} of ${routes.length} routes have no authentication check`];
  const add = (label: string, selected: readonly MapRoute[], markOpen = false): void => {
    if (selected.length > 0) facts.push(`${label}: ${routeList(selected, markOpen)}`);
  };
  add('unauthenticated state-changing routes (not login, webhook or health)', open.filter((r) => MUTATING.has(r.method) && !isPublicPath(r.path)));
  // routeIsAuthenticated counts any auth-named guard; one named "optional" may let anonymous callers through.
  add('routes whose auth guard is named optional', routes.filter((r) => r.authenticated && r.guards.some((g) => OPTIONAL_GUARD.test(g))));
  add('webhook routes', routes.filter((r) => WEBHOOK_PATH.test(r.path)), true);
  add('public auth routes', open.filter((r) => AUTH_FLOW_PATH.test(r.path) && !WEBHOOK_PATH.test(r.path)));
  add('admin routes', routes.filter((r) => ADMIN_PATH.test(r.path) || r.guards.some((g) => ADMIN_GUARD.test(g))), true);
  add('health and metrics routes', routes.filter((r) => HEALTH_PATH.test(r.path)), true);
  return facts;
}

function routeList(routes: readonly MapRoute[], markOpen: boolean): string {
  const named = routes.slice(0, FACT_ITEMS).map((r) => `${r.method} ${r.path}${markOpen && !r.authenticated ? ' (no auth)' : ''}`);
  return routes.length > FACT_ITEMS ? `${named.join(', ')}, … and ${routes.length - FACT_ITEMS} more` : named.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Data stores

const DRIVER_STORES: Readonly<Record<string, DataStoreKind>> = {
  pg: 'postgres',
  postgres: 'postgres',
  'pg-promise': 'postgres',
  '@neondatabase/serverless': 'postgres',
  '@vercel/postgres': 'postgres',
  '@supabase/supabase-js': 'postgres',
  slonik: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  '@planetscale/database': 'mysql',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  '@libsql/client': 'sqlite',
  mongodb: 'mongodb',
  mongoose: 'mongodb',
  redis: 'redis',
  ioredis: 'redis',
  '@redis/client': 'redis',
  '@upstash/redis': 'redis',
  bullmq: 'redis',
  bull: 'redis',
  'bee-queue': 'redis',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  dynamoose: 'dynamodb',
  '@elastic/elasticsearch': 'elasticsearch',
  '@opensearch-project/opensearch': 'elasticsearch',
  'firebase-admin': 'other',
  '@google-cloud/firestore': 'other',
  'cassandra-driver': 'other',
  'neo4j-driver': 'other',
  memjs: 'other',
};
/** ORMs say which database only through a driver; alone, they still prove a database exists. */
const ORMS = ['typeorm', 'sequelize', 'knex', 'drizzle-orm', 'kysely', '@mikro-orm/core', 'objection'];
const PRISMA_PROVIDERS: Readonly<Record<string, DataStoreKind>> = { postgresql: 'postgres', postgres: 'postgres', mysql: 'mysql', sqlite: 'sqlite', mongodb: 'mongodb' };

function dataStores(ctx: ProbeContext, manifests: readonly Manifest[]): MapDataStore[] {
  const found: MapDataStore[] = [];
  for (const m of manifests) {
    for (const dep of m.dependencies) {
      const kind = DRIVER_STORES[dep];
      if (kind) found.push({ kind, via: dep, evidence: m.file.path });
    }
  }
  const schemas = prismaDatasources(ctx);
  found.push(...schemas);
  const prismaManifest = manifests.find((m) => m.dependencies.includes('@prisma/client') || m.dependencies.includes('prisma'));
  if (prismaManifest && schemas.length === 0) found.push({ kind: 'other', via: 'prisma', evidence: prismaManifest.file.path });
  if (!found.some((s) => s.kind === 'postgres' || s.kind === 'mysql' || s.kind === 'sqlite')) {
    for (const m of manifests) for (const orm of ORMS) if (m.dependencies.includes(orm)) found.push({ kind: 'other', via: orm, evidence: m.file.path });
  }
  return uniqueStores(found);
}

/** `datasource db { provider = "postgresql" }`: the schema, not the client package, says which database. */
function prismaDatasources(ctx: ProbeContext): MapDataStore[] {
  const found: MapDataStore[] = [];
  for (const file of ctx.files(['prisma'])) {
    let inDatasource = false;
    for (const text of file.lines) {
      if (/^\s*datasource\s+\w+\s*\{/.test(text)) inDatasource = true;
      else if (inDatasource && /^\s*\}/.test(text)) inDatasource = false;
      const provider = inDatasource ? /^\s*provider\s*=\s*"([^"]+)"/.exec(text) : null;
      if (provider) found.push({ kind: PRISMA_PROVIDERS[provider[1]!] ?? 'other', via: 'prisma', evidence: file.path });
    }
  }
  return found;
}

function uniqueStores(stores: MapDataStore[]): MapDataStore[] {
  const sorted = stores.sort((a, b) => compare(a.kind, b.kind) || compare(a.via, b.via) || compare(a.evidence, b.evidence));
  return sorted.filter((s, i) => i === 0 || s.kind !== sorted[i - 1]!.kind || s.via !== sorted[i - 1]!.via);
}

function prismaModels(ctx: ProbeContext): MapModel[] {
  const found: MapModel[] = [];
  for (const file of ctx.files(['prisma'])) {
    file.lines.forEach((text, index) => {
      const model = /^\s*model\s+(\w+)\s*\{/.exec(text);
      if (model) found.push({ name: model[1]!, file: file.path, line: index + 1 });
    });
  }
  return found.sort((a, b) => compare(a.name, b.name) || compare(a.file, b.file) || a.line - b.line);
}

// ---------------------------------------------------------------------------------------------
// External services

/** Client packages of third-party services: exact names, or a scope whose every package is that service. */
const SERVICE_PACKAGES: ReadonlyArray<readonly [string | RegExp, string]> = [
  ['stripe', 'Stripe'],
  ['openai', 'OpenAI'],
  ['@anthropic-ai/sdk', 'Anthropic'],
  ['@google/generative-ai', 'Google Gemini'],
  ['@google/genai', 'Google Gemini'],
  ['@mistralai/mistralai', 'Mistral'],
  ['cohere-ai', 'Cohere'],
  ['replicate', 'Replicate'],
  ['@pinecone-database/pinecone', 'Pinecone'],
  ['twilio', 'Twilio'],
  [/^@sendgrid\//, 'SendGrid'],
  ['postmark', 'Postmark'],
  ['resend', 'Resend'],
  ['mailgun.js', 'Mailgun'],
  ['nodemailer', 'SMTP'],
  ['@aws-sdk/client-s3', 'AWS S3'],
  ['@aws-sdk/s3-request-presigner', 'AWS S3'],
  ['@aws-sdk/lib-storage', 'AWS S3'],
  ['@aws-sdk/client-ses', 'AWS SES'],
  ['@aws-sdk/client-sesv2', 'AWS SES'],
  ['@aws-sdk/client-sqs', 'AWS SQS'],
  ['@aws-sdk/client-sns', 'AWS SNS'],
  ['@aws-sdk/client-lambda', 'AWS Lambda'],
  ['@aws-sdk/client-secrets-manager', 'AWS Secrets Manager'],
  ['@aws-sdk/client-bedrock-runtime', 'AWS Bedrock'],
  ['aws-sdk', 'AWS'],
  ['@google-cloud/storage', 'Google Cloud Storage'],
  ['@azure/storage-blob', 'Azure Blob Storage'],
  ['@vercel/blob', 'Vercel Blob'],
  ['cloudinary', 'Cloudinary'],
  [/^@slack\//, 'Slack'],
  [/^@sentry\//, 'Sentry'],
  ['dd-trace', 'Datadog'],
  ['newrelic', 'New Relic'],
  ['posthog-node', 'PostHog'],
  ['@segment/analytics-node', 'Segment'],
  ['launchdarkly-node-server-sdk', 'LaunchDarkly'],
  ['@launchdarkly/node-server-sdk', 'LaunchDarkly'],
  [/^@clerk\//, 'Clerk'],
  ['auth0', 'Auth0'],
  [/^@auth0\//, 'Auth0'],
  ['firebase-admin', 'Firebase'],
  ['@supabase/supabase-js', 'Supabase'],
  ['algoliasearch', 'Algolia'],
  ['pusher', 'Pusher'],
  ['@octokit/rest', 'GitHub'],
  ['@paypal/checkout-server-sdk', 'PayPal'],
  ['braintree', 'Braintree'],
  ['@lemonsqueezy/lemonsqueezy.js', 'Lemon Squeezy'],
  ['@upstash/qstash', 'Upstash QStash'],
  ['@notionhq/client', 'Notion'],
  ['googleapis', 'Google APIs'],
];

/** API hosts of the same services, for code that calls them with plain fetch. */
const SERVICE_HOSTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^api\.stripe\.com$/, 'Stripe'],
  [/^api\.openai\.com$/, 'OpenAI'],
  [/^api\.anthropic\.com$/, 'Anthropic'],
  [/^api\.twilio\.com$/, 'Twilio'],
  [/^api\.sendgrid\.com$/, 'SendGrid'],
  [/^api\.postmarkapp\.com$/, 'Postmark'],
  [/^api\.resend\.com$/, 'Resend'],
  [/^api\.mailgun\.net$/, 'Mailgun'],
  [/^(?:hooks\.)?slack\.com$/, 'Slack'],
  [/(?:^|\.)sentry\.io$/, 'Sentry'],
  [/^generativelanguage\.googleapis\.com$/, 'Google Gemini'],
  [/^api\.github\.com$/, 'GitHub'],
  [/(?:^|\.)s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$/, 'AWS S3'],
];

function serviceOfPackage(pkg: string): string | undefined {
  return SERVICE_PACKAGES.find(([match]) => (typeof match === 'string' ? match === pkg : match.test(pkg)))?.[1];
}

function externalServices(ctx: ProbeContext, manifests: readonly Manifest[], imports: Map<string, ReadonlySet<string>>): MapExternalService[] {
  const byKey = new Map<string, { name: string; via: string; files: Set<string> }>();
  const note = (name: string, via: string, files: Iterable<string>): void => {
    const key = `${name}\u0000${via}`;
    const service = byKey.get(key) ?? { name, via, files: new Set<string>() };
    for (const file of files) service.files.add(file);
    byKey.set(key, service);
  };
  const packages = new Set([...manifests.flatMap((m) => m.dependencies), ...[...imports.values()].flatMap((set) => [...set])]);
  for (const pkg of packages) {
    const name = serviceOfPackage(pkg);
    if (name) note(name, pkg, filesImporting(imports, pkg));
  }
  for (const [host, name, file] of serviceHostMentions(ctx)) note(name, host, [file]);
  return [...byKey.values()]
    .map((s) => ({ name: s.name, via: s.via, files: [...s.files].sort(compare) }))
    .sort((a, b) => compare(a.name, b.name) || compare(a.via, b.via));
}

/** [host, service, file] for every URL literal naming a known API host. */
function serviceHostMentions(ctx: ProbeContext): Array<readonly [string, string, string]> {
  const found: Array<readonly [string, string, string]> = [];
  for (const file of ctx.scripts(['://'])) {
    walkNodes(ctx.ast(file), (node) => {
      if (!ts.isStringLiteral(node) && !ts.isNoSubstitutionTemplateLiteral(node) && !ts.isTemplateHead(node)) return;
      for (const match of node.text.matchAll(/\bhttps?:\/\/([a-z0-9.-]+)/gi)) {
        const host = match[1]!.toLowerCase();
        const name = SERVICE_HOSTS.find(([pattern]) => pattern.test(host))?.[1];
        if (name) found.push([host, name, file.path]);
      }
    });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Environment variables

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_OBJECTS = new Set(['process.env', 'import.meta.env', 'Bun.env', 'globalThis.process.env']);
const SCHEMA_KEY = /^[A-Z][A-Z0-9_]*$/;

function envVars(ctx: ProbeContext): MapEnvVar[] {
  const files = new Map<string, Set<string>>();
  const note = (name: string, file: string): void => {
    if (!ENV_NAME.test(name)) return;
    const set = files.get(name) ?? new Set<string>();
    set.add(file);
    files.set(name, set);
  };
  for (const file of ctx.scripts(['env'])) {
    const sf = ctx.ast(file);
    for (const name of envReads(sf)) note(name, file.path);
    if (/process\.env|import\.meta\.env|createEnv|cleanEnv/.test(file.text)) for (const name of envSchemaKeys(sf)) note(name, file.path);
  }
  for (const file of ctx.files(['dotenv'])) for (const name of dotenvNames(file)) note(name, file.path);
  return [...files]
    .map(([name, set]) => ({ name, files: [...set].sort(compare) }))
    .sort((a, b) => compare(a.name, b.name));
}

function isEnvObject(expr: ts.Expression): boolean {
  return ENV_OBJECTS.has(expressionName(expr));
}

/** `process.env.X`, `process.env['X']`, `const { X, Y: y } = process.env`, `Deno.env.get('X')`, and the import.meta/Bun forms. */
function envReads(sf: ts.SourceFile): string[] {
  const names: string[] = [];
  walkNodes(sf, (node) => {
    if (ts.isPropertyAccessExpression(node) && isEnvObject(node.expression)) names.push(node.name.text);
    else if (ts.isElementAccessExpression(node) && isEnvObject(node.expression)) {
      const key = stringValue(node.argumentExpression);
      if (key !== undefined) names.push(key);
    } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isEnvObject(node.initializer)) {
      for (const element of node.name.elements) {
        const key = element.propertyName ?? element.name;
        if (ts.isIdentifier(key) || ts.isStringLiteral(key)) names.push(key.text);
      }
    } else if (ts.isCallExpression(node) && calleeName(node) === 'Deno.env.get') {
      const key = stringValue(node.arguments[0]);
      if (key !== undefined) names.push(key);
    }
  });
  return names;
}

/**
 * Keys of an env schema: `z.object({ DATABASE_URL: … })`, envalid's `cleanEnv(env, { … })`, t3's
 * `createEnv({ server: { … } })`. Only objects whose keys are all UPPER_SNAKE count: those are variable names.
 */
function envSchemaKeys(sf: ts.SourceFile): string[] {
  const names: string[] = [];
  walkNodes(sf, (node) => {
    if (!ts.isCallExpression(node)) return;
    const callee = calleeName(node);
    const objects: ts.Expression[] =
      callee === 'z.object' || callee === 'z.strictObject' ? node.arguments.slice(0, 1)
      : callee === 'cleanEnv' ? node.arguments.slice(1, 2)
      : callee === 'createEnv' ? createEnvObjects(node)
      : [];
    for (const object of objects) names.push(...upperSnakeKeys(object));
  });
  return names;
}

function createEnvObjects(call: ts.CallExpression): ts.Expression[] {
  const options = call.arguments[0];
  if (!options || !ts.isObjectLiteralExpression(options)) return [];
  return options.properties.filter(ts.isPropertyAssignment).filter((p) => ts.isIdentifier(p.name) && ['server', 'client', 'shared'].includes(p.name.text)).map((p) => p.initializer);
}

function upperSnakeKeys(object: ts.Expression): string[] {
  if (!ts.isObjectLiteralExpression(object)) return [];
  const keys = object.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : ''));
  return keys.length > 0 && keys.every((key) => SCHEMA_KEY.test(key)) ? keys : [];
}

/** Names declared in a .env-style file. The value side of each line is never read. */
function dotenvNames(file: SourceFile): string[] {
  return file.lines.flatMap((text) => {
    const declared = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text);
    return declared ? [declared[1]!] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Deploy files

const DEPLOY_NAME = /^(?:docker-compose[^/]*\.ya?ml|compose\.ya?ml|vercel\.json|fly\.toml|Procfile|serverless\.ya?ml|render\.ya?ml|netlify\.toml|app\.ya?ml|railway\.json|railway\.toml|Chart\.yaml|\.gitlab-ci\.yml|Jenkinsfile|wrangler\.toml|[^/]+\.tf)$/;
const WORKFLOW_PATH = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;

function deployFiles(ctx: ProbeContext): string[] {
  return ctx.view.files
    .filter((file) => !isTestFile(file.path) && isDeployFile(file))
    .map((file) => file.path)
    .sort(compare);
}

function isDeployFile(file: SourceFile): boolean {
  if (file.language === 'dockerfile' || DEPLOY_NAME.test(path.posix.basename(file.path)) || WORKFLOW_PATH.test(file.path)) return true;
  // Kubernetes (and Helm template) manifests: any YAML document with both top-level keys.
  return file.language === 'yaml' && /^apiVersion:\s*\S/m.test(file.text) && /^kind:\s*\S/m.test(file.text);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Code-point order, not locale order: the map must be byte-identical on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Belt and braces: guards, commands and paths are quoted from the target, so every string is redacted. */
function redactStrings<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor.redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, redactor)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item, redactor)])) as T;
  return value;
}
