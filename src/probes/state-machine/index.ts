import statusAssignedWithoutTransitionCheck from './status-assigned-without-transition-check.js';

/** State Machine probes, sorted by id. */
export default [statusAssignedWithoutTransitionCheck];
