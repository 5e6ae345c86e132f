import containerImageUnpinned from './container-image-unpinned.js';
import httpCallWithoutTimeout from './http-call-without-timeout.js';
import noGracefulShutdown from './no-graceful-shutdown.js';
import retryWithoutBackoff from './retry-without-backoff.js';

/** Reliability probes, sorted by id. */
export default [containerImageUnpinned, httpCallWithoutTimeout, noGracefulShutdown, retryWithoutBackoff];
