import consoleOnlyLogging from './console-only-logging.js';
import missingHealthEndpoint from './missing-health-endpoint.js';
import missingRequestCorrelationId from './missing-request-correlation-id.js';

/** Observability probes, sorted by id. */
export default [consoleOnlyLogging, missingHealthEndpoint, missingRequestCorrelationId];
