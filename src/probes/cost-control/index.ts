import unboundedPaidApiLoop from './unbounded-paid-api-loop.js';

/** Cost Control probes, sorted by id. */
export default [unboundedPaidApiLoop];
