import type { Probe } from '../types.js';

/** Code Quality probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
