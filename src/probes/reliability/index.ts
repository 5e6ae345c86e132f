import containerImageUnpinned from './container-image-unpinned.js';
import httpCallWithoutTimeout from './http-call-without-timeout.js';
import retryWithoutBackoff from './retry-without-backoff.js';

/** Reliability probes, sorted by id. */
export default [containerImageUnpinned, httpCallWithoutTimeout, retryWithoutBackoff];
