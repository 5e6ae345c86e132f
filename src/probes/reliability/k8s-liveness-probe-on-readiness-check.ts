import { containersOf, k8sObjects } from '../support/k8s.js';
import { defineProbe, type Hit } from '../types.js';

/** Paths that, by convention, answer "can I serve?" (dependencies included), not "am I alive?". */
const READINESS_PATH = /ready|readiness|dependencies|deps\b/i;

export default defineProbe({
  meta: {
    id: 'k8s-liveness-probe-on-readiness-check',
    title: 'Liveness probe points at the readiness check',
    category: 'Reliability',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    confidence: 'medium',
    description: "A container's livenessProbe calls the same HTTP path as its readinessProbe, or a readiness path (/ready, /readyz), so a failing dependency fails liveness.",
    impact: 'When the database or another dependency has a blip, every pod fails its liveness probe at once and Kubernetes restarts them all: a partial outage becomes a full one, and the restarts add load to the dependency just as it recovers.',
    remediation: 'Give liveness its own cheap endpoint (/livez) that only says the process can answer, keep dependency checks in the readiness endpoint, and make liveness slower to trip (higher failureThreshold) than readiness.',
    effort: 'hours',
  },
  applies: (ctx) => k8sObjects(ctx).some((o) => containersOf(o).some((c) => c.keys.has('livenessProbe'))),
  detect(ctx) {
    return k8sObjects(ctx).flatMap((object) =>
      containersOf(object).flatMap((container): Hit[] => {
        const liveness = probePath(container.lines, container.keys.get('livenessProbe')?.line);
        if (!liveness) return [];
        const readiness = probePath(container.lines, container.keys.get('readinessProbe')?.line);
        if (!READINESS_PATH.test(liveness.path) && liveness.path !== readiness?.path) return [];
        return [{ file: object.file, line: liveness.line, message: `livenessProbe calls ${liveness.path}${liveness.path === readiness?.path ? ', the readiness check' : ''}: a dependency failure restarts every pod instead of taking it out of rotation.` }];
      }),
    );
  },
});

/** The `httpGet` path of the probe starting at `start` (flow style `httpGet: { path: /x }` or block style). */
function probePath(lines: readonly { line: number; text: string }[], start: number | undefined): { path: string; line: number } | undefined {
  if (start === undefined) return undefined;
  const from = lines.findIndex((l) => l.line === start);
  const indent = lines[from]!.text.length - lines[from]!.text.trimStart().length;
  for (let i = from + 1; i < lines.length && lines[i]!.text.length - lines[i]!.text.trimStart().length > indent; i++) {
    const path = /path:\s*["']?([^\s,"'}]+)/.exec(lines[i]!.text)?.[1];
    if (path) {
      const httpGet = lines.slice(from + 1, i + 1).reverse().find((l) => /httpGet:/.test(l.text));
      return { path, line: httpGet?.line ?? lines[i]!.line };
    }
  }
  return undefined;
}
