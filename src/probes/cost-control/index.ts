import paidApiCallWithoutCacheOrLimit from './paid-api-call-without-cache-or-limit.js';
import unboundedPaidApiLoop from './unbounded-paid-api-loop.js';

/** Cost Control probes, sorted by id. */
export default [paidApiCallWithoutCacheOrLimit, unboundedPaidApiLoop];
