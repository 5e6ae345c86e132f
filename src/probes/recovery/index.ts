import backupPipelineWithoutPipefail from './backup-pipeline-without-pipefail.js';
import deployToMutableImageTag from './deploy-to-mutable-image-tag.js';
import destructiveMigrationWithoutRollback from './destructive-migration-without-rollback.js';
import jobResultsSavedOnlyAtEnd from './job-results-saved-only-at-end.js';
import migrationRenamesInPlace from './migration-renames-in-place.js';
import migrationsRunAtContainerStart from './migrations-run-at-container-start.js';
import ormSchemaAutoSync from './orm-schema-auto-sync.js';
import processingStateWithoutTimeout from './processing-state-without-timeout.js';

/** Recovery probes, sorted by id. */
export default [
  backupPipelineWithoutPipefail,
  deployToMutableImageTag,
  destructiveMigrationWithoutRollback,
  jobResultsSavedOnlyAtEnd,
  migrationRenamesInPlace,
  migrationsRunAtContainerStart,
  ormSchemaAutoSync,
  processingStateWithoutTimeout,
];
