import prismaCascadeDeleteOfRecords from './prisma-cascade-delete-of-records.js';

/** Data Integrity probes, sorted by id. */
export default [prismaCascadeDeleteOfRecords];
