import adminRouteWithoutRoleCheck from './admin-route-without-role-check.js';
import authBypassByRequestHeader from './auth-bypass-by-request-header.js';
import idorMissingOwnershipCheck from './idor-missing-ownership-check.js';
import massAssignment from './mass-assignment.js';
import mutatingRouteWithoutAuth from './mutating-route-without-auth.js';
import queryMissingTenantFilter from './query-missing-tenant-filter.js';
import roomBroadcastToAllSockets from './room-broadcast-to-all-sockets.js';
import websocketIdentityFromQuery from './websocket-identity-from-query.js';

/** Permissions probes, sorted by id. */
export default [
  adminRouteWithoutRoleCheck,
  authBypassByRequestHeader,
  idorMissingOwnershipCheck,
  massAssignment,
  mutatingRouteWithoutAuth,
  queryMissingTenantFilter,
  roomBroadcastToAllSockets,
  websocketIdentityFromQuery,
];
