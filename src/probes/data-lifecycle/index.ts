import noTtlOnTokens from './no-ttl-on-tokens.js';
import piiWithoutDeletionPath from './pii-without-deletion-path.js';

/** Data Lifecycle probes, sorted by id. */
export default [noTtlOnTokens, piiWithoutDeletionPath];
