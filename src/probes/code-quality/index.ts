import commentedOutSecurityCheck from './commented-out-security-check.js';
import floatingPromiseInHandler from './floating-promise-in-handler.js';
import mockDataInHandler from './mock-data-in-handler.js';
import swallowedError from './swallowed-error.js';
import unguardedJsonParseOfMessage from './unguarded-json-parse-of-message.js';

/** Code Quality probes, sorted by id. */
export default [commentedOutSecurityCheck, floatingPromiseInHandler, mockDataInHandler, swallowedError, unguardedJsonParseOfMessage];
