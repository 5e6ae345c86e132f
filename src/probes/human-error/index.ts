import type { Probe } from '../types.js';

/** Human Error probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
