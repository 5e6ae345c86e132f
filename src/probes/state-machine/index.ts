import statusAssignedWithoutTransitionCheck from './status-assigned-without-transition-check.js';
import statusColumnWithoutConstraint from './status-column-without-constraint.js';
import statusSetFromRequest from './status-set-from-request.js';

/** State Machine probes, sorted by id. */
export default [statusAssignedWithoutTransitionCheck, statusColumnWithoutConstraint, statusSetFromRequest];
