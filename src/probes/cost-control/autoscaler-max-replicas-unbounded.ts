import { defineProbe, type Hit } from '../types.js';

/** Below this many pods a ceiling is a normal headroom choice whatever the minimum. */
const FLOOR = 50;
/** Headroom above the minimum that no load forecast needs: a spike, a bug or an attack pays for it. */
const RATIO = 10;
const MAX = /^(\s*)(maxReplicas|maxReplicaCount)\s*:\s*["']?(\d+)/;
const MIN = /^\s*(?:minReplicas|minReplicaCount)\s*:\s*["']?(\d+)/m;

export default defineProbe({
  meta: {
    id: 'autoscaler-max-replicas-unbounded',
    title: 'Autoscaler may scale to far more pods than the service needs',
    category: 'Cost Control',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-770',
    confidence: 'medium',
    description: `A Kubernetes HorizontalPodAutoscaler or KEDA ScaledObject allows at least ${FLOOR} replicas and more than ${RATIO} times its minimum.`,
    impact: 'A traffic spike, a retry storm, a slow dependency or a denial-of-service attack scales the service (and its database connections) a hundredfold, and the bill follows before anyone notices.',
    remediation: 'Set maxReplicas from a load test (peak load plus a margin), alert when the autoscaler reaches it, and put rate limits in front of the service so scale is not the only defence.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['yaml'], ['HorizontalPodAutoscaler', 'ScaledObject']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.files(['yaml'], ['HorizontalPodAutoscaler', 'ScaledObject'])) {
      let offset = 0;
      for (const doc of file.text.split(/^---[^\n]*$/m)) {
        const lines = doc.split('\n');
        const start = offset;
        offset += lines.length - 1;
        if (!/^kind:\s*["']?(?:HorizontalPodAutoscaler|ScaledObject)\b/m.test(doc)) continue;
        const min = Number(MIN.exec(doc)?.[1] ?? 1);
        lines.forEach((line, index) => {
          const max = MAX.exec(line);
          if (!max || Number(max[3]) < FLOOR || Number(max[3]) <= RATIO * Math.max(min, 1)) return;
          hits.push({ file, line: start + index + 1, message: `${max[2]}: ${max[3]} lets the autoscaler run ${Math.round(Number(max[3]) / Math.max(min, 1))} times its minimum of ${min}: nothing but the bill stops a runaway scale-out.` });
        });
      }
    }
    return hits;
  },
});
