import type { SourceFile } from '../../repo/view.js';
import { defineProbe, type Hit } from '../types.js';

/** A statement that removes every row of a table: DELETE without WHERE, or TRUNCATE. */
const DELETE_ALL = /\bDELETE\s+FROM\s+["`]?([\w.]+)["`]?\s*(?:;|"|'|$)|\bTRUNCATE\s+(?:TABLE\s+)?["`]?([\w.]+)/i;
/** Scratch tables that are meant to be emptied wholesale. */
const SCRATCH = /cache|tmp|temp|staging|scratch|buffer|queue|lock/i;
/** Tables whose history is the point of keeping them. */
const HISTORY = /audit|log|history|event|activity|ledger|transaction|payment|invoice|order/i;

export default defineProbe({
  meta: {
    id: 'scheduled-purge-without-retention-window',
    title: 'Scheduled purge deletes a whole table',
    category: 'Data Lifecycle',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: 'A scheduled job (a Kubernetes CronJob or a scheduled GitHub Actions workflow) deletes every row of a table (DELETE FROM without WHERE, TRUNCATE) instead of only rows older than a retention window.',
    impact: 'Each run erases all the history the table holds, including yesterday’s audit entries or records still inside their legal retention period; a security investigation or a dispute then finds nothing to look at.',
    remediation: 'Delete only what is past the retention period (`DELETE FROM audit_log WHERE created_at < now() - interval \'400 days\'`), in batches, and archive to cold storage first when the retention policy requires it.',
    effort: 'hours',
  },
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.files(['yaml'], [/DELETE\s+FROM|TRUNCATE/i])) {
      if (!scheduled(file)) continue;
      file.lines.forEach((raw, index) => {
        const line = raw.replace(/(^|\s)#.*$/, '');
        const match = DELETE_ALL.exec(line);
        const table = match?.[1] ?? match?.[2];
        if (!table || SCRATCH.test(table) || /\bWHERE\b/i.test(line)) return;
        hits.push({ file, line: index + 1, message: `This scheduled job deletes every row of ${table}${HISTORY.test(table) ? ', history that is kept on purpose' : ''}, not only rows past a retention window.` });
      });
    }
    return hits;
  },
});

function scheduled(file: SourceFile): boolean {
  return /^\s*kind\s*:\s*CronJob\b/m.test(file.text) || (/^\s*on\s*:/m.test(file.text) && /^\s*(?:-\s*)?schedule\s*:/m.test(file.text) && /^\s*jobs\s*:/m.test(file.text));
}
