export * from './taxonomy.js';
export * from './finding.js';
export * from './context.js';
export * from './report.js';
export { fingerprintOf } from './fingerprint.js';
export * from './system-map.js';
export * from './accepted.js';
export * from './tracking.js';
