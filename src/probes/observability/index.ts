import type { Probe } from '../types.js';

/** Observability probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
