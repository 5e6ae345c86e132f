import hardDeleteWithoutSoftDelete from './hard-delete-without-soft-delete.js';

/** Human Error probes, sorted by id. */
export default [hardDeleteWithoutSoftDelete];
