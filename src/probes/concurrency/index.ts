import type { Probe } from '../types.js';

/** Concurrency probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
