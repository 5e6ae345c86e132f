import readModifyWriteWithoutTransaction from './read-modify-write-without-transaction.js';

/** Concurrency probes, sorted by id. */
export default [readModifyWriteWithoutTransaction];
