import destructiveMigrationWithoutRollback from './destructive-migration-without-rollback.js';

/** Recovery probes, sorted by id. */
export default [destructiveMigrationWithoutRollback];
