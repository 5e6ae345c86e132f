import type { Probe } from '../types.js';

/** State Machine probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
