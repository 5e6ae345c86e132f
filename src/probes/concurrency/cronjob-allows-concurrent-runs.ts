import type { SourceFile } from '../../repo/view.js';
import { defineProbe, type Hit } from '../types.js';

const KIND = /^kind:\s*CronJob\s*$/m;

export default defineProbe({
  meta: {
    id: 'cronjob-allows-concurrent-runs',
    title: 'Kubernetes CronJob may run twice at once',
    category: 'Concurrency',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'ops-auditor',
    confidence: 'high',
    description: 'A Kubernetes CronJob sets `concurrencyPolicy: Allow`, or leaves it unset (Allow is the default), so a run that overruns its schedule overlaps the next one.',
    impact: 'A slow backup, billing run or cleanup is started again while the previous one still runs: the two compete for the same rows, double-send or double-charge, and pile up until the cluster or the database gives way.',
    remediation: 'Set `concurrencyPolicy: Forbid` (or `Replace` for jobs where only the latest run matters), and give the job an `activeDeadlineSeconds` below its interval.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['yaml'], [KIND]).length > 0,
  detect: (ctx) => ctx.files(['yaml'], [KIND]).flatMap(checkFile),
});

function checkFile(file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  let offset = 0;
  for (const doc of file.text.split(/^---[^\n]*$/m)) {
    const start = offset;
    offset += doc.length + 3;
    const kind = KIND.exec(doc);
    if (!kind) continue;
    const policy = /^[ \t]+concurrencyPolicy:\s*["']?(\w+)/m.exec(doc);
    if (policy && policy[1] !== 'Allow') continue;
    const name = /^metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*["']?([\w.-]+)/m.exec(doc)?.[1] ?? 'CronJob';
    const at = start + (policy ? policy.index + policy[0].indexOf('concurrencyPolicy') : kind.index);
    hits.push({ file, line: file.lineAt(at), message: `CronJob ${name} ${policy ? 'sets concurrencyPolicy: Allow' : 'has no concurrencyPolicy (Allow by default)'}: an overrunning run overlaps the next.` });
  }
  return hits;
}
