import type { Probe } from '../types.js';

/** Data Integrity probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
