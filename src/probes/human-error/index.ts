import databaseResetWithoutGuard from './database-reset-without-guard.js';
import hardDeleteWithoutSoftDelete from './hard-delete-without-soft-delete.js';
import storeWipedFromRequestHandler from './store-wiped-from-request-handler.js';

/** Human Error probes, sorted by id. */
export default [databaseResetWithoutGuard, hardDeleteWithoutSoftDelete, storeWipedFromRequestHandler];
