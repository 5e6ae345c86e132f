import containerRunsAsRoot from './container-runs-as-root.js';
import hardcodedSecret from './hardcoded-secret.js';
import sqlStringConcat from './sql-string-concat.js';

/** Security probes, sorted by id. */
export default [containerRunsAsRoot, hardcodedSecret, sqlStringConcat];
