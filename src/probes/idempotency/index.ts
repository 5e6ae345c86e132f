import type { Probe } from '../types.js';

/** Idempotency probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
