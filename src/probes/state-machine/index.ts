import statusAssignedWithoutTransitionCheck from './status-assigned-without-transition-check.js';
import statusColumnWithoutConstraint from './status-column-without-constraint.js';

/** State Machine probes, sorted by id. */
export default [statusAssignedWithoutTransitionCheck, statusColumnWithoutConstraint];
