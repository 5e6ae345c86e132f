import mutatingRouteWithoutAuth from './mutating-route-without-auth.js';

/** Permissions probes, sorted by id. */
export default [mutatingRouteWithoutAuth];
