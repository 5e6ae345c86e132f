import type { Probe } from '../types.js';

/** Recovery probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
