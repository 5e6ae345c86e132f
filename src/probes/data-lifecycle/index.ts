import accountDeletionLeavesUserData from './account-deletion-leaves-user-data.js';
import embeddedArrayGrowsWithoutBound from './embedded-array-grows-without-bound.js';
import erasureLeavesPersonalData from './erasure-leaves-personal-data.js';
import noTtlOnTokens from './no-ttl-on-tokens.js';
import piiWithoutDeletionPath from './pii-without-deletion-path.js';
import queueWithoutJobRetention from './queue-without-job-retention.js';
import scheduledPurgeWithoutRetentionWindow from './scheduled-purge-without-retention-window.js';
import softDeletedRowsServed from './soft-deleted-rows-served.js';

/** Data Lifecycle probes, sorted by id. */
export default [accountDeletionLeavesUserData, embeddedArrayGrowsWithoutBound, erasureLeavesPersonalData, noTtlOnTokens, piiWithoutDeletionPath, queueWithoutJobRetention, scheduledPurgeWithoutRetentionWindow, softDeletedRowsServed];
