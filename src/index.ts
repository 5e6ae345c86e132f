/** The library surface: the audit engine and the schemas every report validates against. */
export * from './model/index.js';
export { runAudit, type AuditOptions, type AuditResult } from './workflow/audit.js';
export { parseLaunchContext } from './workflow/launch-context.js';
export { collectRepo } from './repo/collect.js';
export { PROBES } from './probes/registry.js';
export { renderMarkdown } from './report/markdown.js';
export { writeReports } from './report/write.js';
export { gateBlocks } from './verdict/gate.js';
export { main } from './cli.js';
