import type { Probe } from '../types.js';

/** UI/UX Safety probes, sorted by id. */
const probes: Probe[] = [];
export default probes;
