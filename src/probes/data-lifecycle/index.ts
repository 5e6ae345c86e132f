import type { Probe } from '../types.js';

/** Data Lifecycle probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
