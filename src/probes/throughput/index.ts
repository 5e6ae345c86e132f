import type { Probe } from '../types.js';

/** Throughput probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
