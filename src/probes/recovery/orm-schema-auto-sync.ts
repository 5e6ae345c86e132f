import { calleeName, lineOf, methodName, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Databases that live and die with the process: syncing them is how tests and demos are meant to work. */
const EPHEMERAL_DB = /^(?:sqlite|better-sqlite3|sqljs|capacitor|expo)$/;
/**
 * One-off scripts run by hand (seeds, resets, tooling), not at every start: a `sync({ force: true })` there
 * is a guarded-or-not wipe, which database-reset-without-guard judges.
 */
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|seeds?|seeders?)\/|(?:^|\/)seed[\w.-]*\.[cm]?[jt]s$/;

export default defineProbe({
  meta: {
    id: 'orm-schema-auto-sync',
    title: 'ORM rewrites the schema at startup',
    category: 'Recovery',
    severity: 'HIGH',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'high',
    description: 'TypeORM is configured with `synchronize: true` or `dropSchema: true`, or Sequelize calls `sync({ alter: true })` / `sync({ force: true })`, unconditionally, so the schema follows the entities on every start (one-off scripts such as seeds are left to database-reset-without-guard).',
    impact: 'Renaming or removing an entity field drops the column and its data on the next boot, with no migration to review and no down step to roll back; an older release started after a rollback alters the schema back the other way.',
    remediation: 'Turn schema sync off outside local development (`synchronize: false`) and ship versioned migrations (`typeorm migration:generate`, `sequelize-cli db:migrate`) run as a deploy step.',
    effort: 'days',
  },
  applies: (ctx) => ctx.hasDependency('typeorm', '@nestjs/typeorm', 'sequelize', 'sequelize-typescript'),
  detect(ctx) {
    return ctx.scripts(['synchronize', 'dropSchema', '.sync(']).filter((file) => !NOT_SERVER_PATH.test(file.path)).flatMap((file) => {
      const hits: Hit[] = [];
      for (const obj of ctx.nodesOf<ts.ObjectLiteralExpression>(file, ts.SyntaxKind.ObjectLiteralExpression)) {
        // A TypeORM data source names its driver and its entities; other objects with a `synchronize` key are not one.
        const type = propertyOf(obj, 'type');
        if (!type || !(propertyOf(obj, 'entities') || propertyOf(obj, 'autoLoadEntities') || propertyOf(obj, 'migrations') || propertyOf(obj, 'database'))) continue;
        if (EPHEMERAL_DB.test(stringValue(type) ?? '')) continue;
        for (const key of ['synchronize', 'dropSchema']) {
          const value = propertyOf(obj, key);
          if (value?.kind === ts.SyntaxKind.TrueKeyword) hits.push({ file, line: lineOf(value.parent), message: `TypeORM ${key}: true ${key === 'dropSchema' ? 'drops every table' : 'alters the schema to match the entities'} on every start, outside any migration.` });
        }
      }
      for (const call of ctx.calls(file)) {
        if (methodName(call) !== 'sync' || !/sequelize|db|orm/i.test(calleeName(call))) continue;
        const options = call.arguments[0];
        if (!options || !ts.isObjectLiteralExpression(options)) continue;
        for (const key of ['force', 'alter']) {
          if (propertyOf(options, key)?.kind === ts.SyntaxKind.TrueKeyword) hits.push({ file, line: lineOf(call), message: `Sequelize sync({ ${key}: true }) ${key === 'force' ? 'drops and recreates every table' : 'alters the tables to match the models'} on every start, outside any migration.` });
        }
      }
      return hits;
    });
  },
});
