import { z } from 'zod';

export const ENTRY_POINT_KINDS = ['http-listen', 'package-main', 'package-bin', 'start-script', 'nextjs-app', 'serverless-handler', 'worker'] as const;
export const EntryPointKind = z.enum(ENTRY_POINT_KINDS);
export type EntryPointKind = z.infer<typeof EntryPointKind>;

export const DATA_STORE_KINDS = ['postgres', 'mysql', 'sqlite', 'mongodb', 'redis', 'dynamodb', 'elasticsearch', 'other'] as const;
export const DataStoreKind = z.enum(DATA_STORE_KINDS);
export type DataStoreKind = z.infer<typeof DataStoreKind>;

const RepoPath = z.string().min(1).describe('Path relative to the audited root, with forward slashes');
const Line = z.number().int().min(1).describe('1-based line number');

export const MapPackage = z.object({
  path: RepoPath.describe('Path of the package.json'),
  name: z.string().nullable().describe('The package name, or null when the manifest has none (or does not parse)'),
  dependencies: z.array(z.string()).describe('Names of every declared dependency (all kinds, no versions), sorted'),
  scripts: z.array(z.string()).describe('Names of the npm scripts (not their commands), sorted'),
});
export type MapPackage = z.infer<typeof MapPackage>;

export const MapEntryPoint = z.object({
  file: RepoPath.describe('File where the entry point is declared'),
  line: Line,
  kind: EntryPointKind.describe('How the system is started or invoked at this point'),
  detail: z.string().describe('Short, redacted description: the listen call, the main/bin target, the start command, the worker queue'),
});
export type MapEntryPoint = z.infer<typeof MapEntryPoint>;

export const MapRoute = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ALL']).describe('HTTP method; ALL for handlers that accept any method'),
  path: z.string().describe('URL path as written in the source (parameters kept, e.g. /orders/:id)'),
  file: RepoPath.describe('File that registers the route'),
  line: Line,
  framework: z.enum(['express', 'fastify', 'nextjs', 'nestjs', 'hapi']).describe('Framework the registration was recognised as'),
  authenticated: z.boolean().describe('Whether an authentication check was found: a guard, earlier auth middleware on the same receiver, or a check in the handler'),
  guards: z.array(z.string()).describe('Source text (shortened, redacted) of the middleware, hooks or guards that run before the handler'),
});
export type MapRoute = z.infer<typeof MapRoute>;

export const MapDataStore = z.object({
  kind: DataStoreKind.describe('The database or store'),
  via: z.string().describe('Client or ORM it is reached through, e.g. prisma, pg, mongoose, ioredis'),
  evidence: RepoPath.describe('File that shows it: the package.json declaring the client, or the Prisma schema'),
});
export type MapDataStore = z.infer<typeof MapDataStore>;

export const MapModel = z.object({
  name: z.string().describe('Prisma model name'),
  file: RepoPath,
  line: Line,
});
export type MapModel = z.infer<typeof MapModel>;

export const MapExternalService = z.object({
  name: z.string().describe('The third-party service, e.g. Stripe, OpenAI, AWS S3'),
  via: z.string().describe('The package used to reach it, or the API host when it is called over plain HTTP'),
  files: z.array(RepoPath).describe('Up to 5 files that import the package or name the host, sorted'),
});
export type MapExternalService = z.infer<typeof MapExternalService>;

export const MapEnvVar = z.object({
  name: z.string().describe('Environment variable name (never its value)'),
  files: z.array(RepoPath).describe('Up to 5 files that read or declare it, sorted'),
});
export type MapEnvVar = z.infer<typeof MapEnvVar>;

export const MapLimits = z.object({
  routes: z.number().int().nonnegative().describe('Routes found in total, including any left out of `routes`'),
  truncated: z.boolean().describe('True when any list was cut at its cap'),
  omitted: z.array(z.string()).describe('One line per cut list, e.g. "routes: 500 of 812 listed"'),
});
export type MapLimits = z.infer<typeof MapLimits>;

/**
 * What is known about a repository before any model reads it: computed statically and
 * deterministically, compact, and free of secret values.
 */
export const SystemMap = z.object({
  languages: z.record(z.string(), z.number().int().nonnegative()).describe('Number of shipped files (tests and fixtures excluded) per detected language'),
  packages: z.array(MapPackage).describe('Every package.json in the tree, sorted by path'),
  entryPoints: z.array(MapEntryPoint).describe('Where the system starts or is invoked: HTTP listeners, package main/bin/start, Next.js apps, serverless handlers, queue workers'),
  routes: z.array(MapRoute).describe('HTTP routes, sorted by path then method (capped at 500)'),
  dataStores: z.array(MapDataStore).describe('Databases and stores, from declared clients and Prisma datasources'),
  models: z.array(MapModel).describe('Prisma models with where they are declared'),
  externalServices: z.array(MapExternalService).describe('Third-party services the code talks to'),
  envVars: z.array(MapEnvVar).describe('Environment variables read by the code or declared in .env-style files, sorted by name (capped at 300)'),
  deployFiles: z.array(RepoPath).describe('Container, CI, orchestration and hosting configuration files, sorted'),
  trustBoundaries: z.array(z.string()).describe('Short facts derived from the routes: unauthenticated routes, webhooks, public auth routes, admin routes'),
  limits: MapLimits.describe('Totals and whether any list was cut'),
});
export type SystemMap = z.infer<typeof SystemMap>;
