import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, lineOf } from '../support/ast.js';
import { dockerStages } from '../support/dockerfile.js';
import { httpListenCalls } from '../support/http-server.js';
import { defineProbe, type Hit } from '../types.js';

/** Schema migration commands of the common tools, as they are written in a shell line. */
const MIGRATE = /\b(?:prisma\s+migrate\s+deploy|prisma\s+db\s+push|knex\s+migrate:latest|sequelize(?:-cli)?\s+db:migrate|typeorm(?:-ts-node-\w+)?\s+migration:run|(?:migration:run|db:migrate|migrate:latest)\b|dbmate\s+(?:\S+\s+)*(?:up|migrate)|node-pg-migrate\s+up|db-migrate\s+up|flyway\s+(?:\S+\s+)*migrate|goose\s+(?:\S+\s+)*up|alembic\s+upgrade|manage\.py\s+migrate)\b/;
/** `npm run start:prod`, `yarn start`: a package script the container runs. */
/**
 * Migrations applied from code: Knex `knex.migrate.latest()`, TypeORM `dataSource.runMigrations()`,
 * Umzug `umzug.up()` (Sequelize's programmatic runner), MikroORM `orm.getMigrator().up()`.
 */
const MIGRATE_CALL = /(?:^|\.)migrate\.(?:latest|up)$|\.runMigrations$|^(?:umzug|migrator)\.up$|getMigrator\(\)\.up$/i;
const PACKAGE_SCRIPT = /\b(?:npm|pnpm|yarn)\s+(?:run(?:-script)?\s+)?([\w:.-]+)/;

export default defineProbe({
  meta: {
    id: 'migrations-run-at-container-start',
    title: 'Container runs migrations every time it starts',
    category: 'Recovery',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: "A Dockerfile's CMD or ENTRYPOINT (directly or through the package script it runs) applies database migrations and then starts the server, or the server's own start-up code runs them (knex.migrate.latest(), runMigrations(), umzug.up()), so every container start migrates.",
    impact: 'Every replica, restart and scale-up runs the migrations: replicas race for the schema, a failing migration crash-loops the whole service at once, and rolling the image back does not roll the schema back.',
    remediation: 'Run migrations once per release as their own step (a Kubernetes Job or Helm hook, a release-phase command, a CI deploy step) before the new image rolls out, and start the container with the server alone.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['dockerfile']).length > 0 || serverStartFiles(ctx).length > 0,
  detect(ctx) {
    return [...dockerfileHits(ctx), ...serverStartHits(ctx)];
  },
});

function dockerfileHits(ctx: ProbeContext): Hit[] {
  const manifests = new Map(ctx.files(['json']).filter((f) => /(?:^|\/)package\.json$/.test(f.path)).map((f) => [f.path, f]));
  return ctx.files(['dockerfile']).flatMap((file): Hit[] => {
    const last = dockerStages(file).at(-1) ?? [];
    const scripts = packageScripts(manifests.get(file.path.replace(/[^/]*$/, 'package.json')));
    return last.flatMap((step): Hit[] => {
      if (step.keyword !== 'CMD' && step.keyword !== 'ENTRYPOINT') return [];
      const command = shellText(step.args);
      const script = PACKAGE_SCRIPT.exec(command)?.[1];
      const run = script && scripts.has(script) ? `${command} ${scripts.get(script)}` : command;
      // A migration-only image (`CMD ["npx", "prisma", "migrate", "deploy"]`) is the release step done right.
      if (!MIGRATE.test(run) || !/&&|;|\|\|/.test(run)) return [];
      return [{ file, line: step.line, message: `${step.keyword} migrates the database and then starts the server, so every container start runs the migrations.` }];
    });
  });
}

/** Server files that may migrate: the migration call and the server's start in one file, so one runs with the other. */
function serverStartFiles(ctx: ProbeContext): SourceFile[] {
  return ctx.scripts(['migrate.', 'runMigrations', '.up(']).filter((file) => !ctx.isFrontEnd(file) && !/(?:^|\/)(?:scripts?|migrations?|bin|tools)\//.test(file.path));
}

/** `await knex.migrate.latest(); await server.start();`: every replica migrates as it boots. */
function serverStartHits(ctx: ProbeContext): Hit[] {
  return serverStartFiles(ctx).flatMap((file): Hit[] => {
    const sf = ctx.ast(file);
    if (httpListenCalls(sf).length === 0) return [];
    return ctx
      .calls(file)
      .filter((call) => MIGRATE_CALL.test(calleeName(call)))
      .slice(0, 1)
      .map((call) => ({ file, line: lineOf(call), message: 'The server migrates the database in its own start-up, so every replica and restart runs the migrations before it listens.' }));
  });
}

/** The command a CMD/ENTRYPOINT runs: the exec-form array joined, or the shell form as written. */
function shellText(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (Array.isArray(parsed)) return parsed.map(String).join(' ');
  } catch {
    // shell form
  }
  return args;
}

function packageScripts(manifest: SourceFile | undefined): Map<string, string> {
  try {
    const scripts = (JSON.parse(manifest?.text ?? '{}') as { scripts?: Record<string, string> }).scripts ?? {};
    return new Map(Object.entries(scripts).filter(([, v]) => typeof v === 'string'));
  } catch {
    return new Map();
  }
}
