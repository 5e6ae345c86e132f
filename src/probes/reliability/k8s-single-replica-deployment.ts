import { k8sObjects, type K8sObject } from '../support/k8s.js';
import { defineProbe, type Hit } from '../types.js';

export default defineProbe({
  meta: {
    id: 'k8s-single-replica-deployment',
    title: 'Kubernetes Deployment runs a single replica',
    category: 'Reliability',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: 'A Kubernetes Deployment sets `replicas: 1`, so one pod serves everything; with an autoscaler attached, each apply of the manifest also resets it to one pod.',
    impact: 'A node drain, an eviction, a crash or a rollout with a failing new pod leaves the service with no ready pod: an outage from routine operations. Under an HPA, every `kubectl apply` scales the Deployment down to one pod until the autoscaler reacts.',
    remediation: 'Run at least two replicas spread across nodes (topologySpreadConstraints or pod anti-affinity) with a PodDisruptionBudget; when an HPA manages the Deployment, remove `replicas` from the manifest and set `minReplicas: 2` or more.',
    effort: 'hours',
  },
  applies: (ctx) => k8sObjects(ctx).some((o) => o.kind === 'Deployment'),
  detect(ctx) {
    const objects = k8sObjects(ctx);
    const scaled = new Set(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map(hpaTarget));
    return objects
      .filter((o) => o.kind === 'Deployment')
      .flatMap((deployment): Hit[] => {
        const at = deployment.lines.findIndex((line) => /^ {2}replicas:\s*["']?1["']?\s*$/.test(line));
        if (at < 0) return [];
        const message = scaled.has(deployment.name)
          ? `Deployment ${deployment.name} pins replicas: 1 while an autoscaler manages it: every apply of this manifest scales it back to one pod.`
          : `Deployment ${deployment.name} runs a single replica: any restart, eviction or bad rollout takes the service down.`;
        return [{ file: deployment.file, line: deployment.start + at + 1, message }];
      });
  },
});

/** The Deployment an HPA scales (`scaleTargetRef: { kind: Deployment, name: api }`, flow or block style). */
function hpaTarget(hpa: K8sObject): string {
  const text = hpa.lines.join('\n');
  const ref = /scaleTargetRef:\s*(\{[^}]*\}|(?:\n {4,}.*)+)/.exec(text)?.[1] ?? '';
  return /kind:\s*["']?Deployment/.test(ref) ? (/name:\s*["']?([\w.-]+)/.exec(ref)?.[1] ?? '') : '';
}
