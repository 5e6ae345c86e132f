import type { Probe } from '../types.js';

/** Reliability probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
