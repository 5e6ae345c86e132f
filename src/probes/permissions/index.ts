import idorMissingOwnershipCheck from './idor-missing-ownership-check.js';
import mutatingRouteWithoutAuth from './mutating-route-without-auth.js';

/** Permissions probes, sorted by id. */
export default [idorMissingOwnershipCheck, mutatingRouteWithoutAuth];
