import connectionRegistryInProcessMemory from './connection-registry-in-process-memory.js';
import cronjobAllowsConcurrentRuns from './cronjob-allows-concurrent-runs.js';
import readModifyWriteWithoutTransaction from './read-modify-write-without-transaction.js';

/** Concurrency probes, sorted by id. */
export default [connectionRegistryInProcessMemory, cronjobAllowsConcurrentRuns, readModifyWriteWithoutTransaction];
