import { containersOf, k8sObjects } from '../support/k8s.js';
import { defineProbe, type Hit } from '../types.js';

/** Long-running workloads: their pods serve traffic and are what node pressure evicts first. */
const SERVING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const BATCH = new Set(['Job', 'CronJob', 'Pod']);

export default defineProbe({
  meta: {
    id: 'k8s-container-without-resources',
    title: 'Kubernetes container without resource requests or limits',
    category: 'Reliability',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-770',
    confidence: 'high',
    description: 'A container of a Kubernetes workload declares `resources: {}` (or, for a long-running workload, no `resources` at all), so it has neither requests nor limits.',
    impact: 'The pod gets the BestEffort class: the scheduler packs it anywhere, a noisy neighbour or its own leak starves the node, and it is the first pod evicted under memory pressure, so the service goes down when the node is busy.',
    remediation: 'Set `resources.requests` for CPU and memory from observed usage and a memory limit (and a CPU limit if the cluster policy wants one); enforce defaults with a LimitRange on the namespace.',
    effort: 'hours',
  },
  applies: (ctx) => k8sObjects(ctx).some((o) => SERVING.has(o.kind) || BATCH.has(o.kind)),
  detect(ctx) {
    return k8sObjects(ctx)
      .filter((o) => SERVING.has(o.kind) || BATCH.has(o.kind))
      .flatMap((object) =>
        containersOf(object).flatMap((container): Hit[] => {
          const resources = container.keys.get('resources');
          const name = /name:\s*["']?([\w.-]+)/.exec(container.lines[0]?.text ?? '')?.[1] ?? 'container';
          if (resources) {
            const nested = container.lines.some((l) => l.line > resources.line && /^\s+(?:requests|limits):/.test(l.text));
            const inline = /requests|limits/.test(resources.value);
            if (nested || inline) return [];
            return [{ file: object.file, line: resources.line, message: `Container ${name} of ${object.kind} ${object.name} declares empty resources: no requests and no limits.` }];
          }
          // A batch pod runs to completion and is retried; a serving pod without requests is an outage under node pressure.
          if (!SERVING.has(object.kind)) return [];
          return [{ file: object.file, line: container.line, message: `Container ${name} of ${object.kind} ${object.name} declares no resources: no requests and no limits.` }];
        }),
      );
  },
});
