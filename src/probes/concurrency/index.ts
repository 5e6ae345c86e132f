import checkThenInsertRace from './check-then-insert-race.js';
import connectionRegistryInProcessMemory from './connection-registry-in-process-memory.js';
import cronjobAllowsConcurrentRuns from './cronjob-allows-concurrent-runs.js';
import nextNumberFromLastRow from './next-number-from-last-row.js';
import queueTablePolledWithoutSkipLocked from './queue-table-polled-without-skip-locked.js';
import readModifyWriteWithoutTransaction from './read-modify-write-without-transaction.js';
import scheduledJobWithoutLock from './scheduled-job-without-lock.js';

/** Concurrency probes, sorted by id. */
export default [checkThenInsertRace, connectionRegistryInProcessMemory, cronjobAllowsConcurrentRuns, nextNumberFromLastRow, queueTablePolledWithoutSkipLocked, readModifyWriteWithoutTransaction, scheduledJobWithoutLock];
