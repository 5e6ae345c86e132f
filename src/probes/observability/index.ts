import consoleOnlyLogging from './console-only-logging.js';
import missingHealthEndpoint from './missing-health-endpoint.js';

/** Observability probes, sorted by id. */
export default [consoleOnlyLogging, missingHealthEndpoint];
