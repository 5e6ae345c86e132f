import consoleOnlyLogging from './console-only-logging.js';
import errorRethrownWithoutCause from './error-rethrown-without-cause.js';
import failureEventIgnored from './failure-event-ignored.js';
import missingHealthEndpoint from './missing-health-endpoint.js';
import missingRequestCorrelationId from './missing-request-correlation-id.js';
import personalDataLogged from './personal-data-logged.js';
import unloggedServerError from './unlogged-server-error.js';

/** Observability probes, sorted by id. */
export default [consoleOnlyLogging, errorRethrownWithoutCause, failureEventIgnored, missingHealthEndpoint, missingRequestCorrelationId, personalDataLogged, unloggedServerError];
