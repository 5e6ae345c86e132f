import { ProbeMeta, type Probe } from './types.js';
import codeQuality from './code-quality/index.js';
import concurrency from './concurrency/index.js';
import costControl from './cost-control/index.js';
import dataIntegrity from './data-integrity/index.js';
import dataLifecycle from './data-lifecycle/index.js';
import humanError from './human-error/index.js';
import idempotency from './idempotency/index.js';
import observability from './observability/index.js';
import permissions from './permissions/index.js';
import recovery from './recovery/index.js';
import reliability from './reliability/index.js';
import security from './security/index.js';
import stateMachine from './state-machine/index.js';
import throughput from './throughput/index.js';
import uiUxSafety from './ui-ux-safety/index.js';

/**
 * Every probe, explicitly: one import per category folder, each folder listing its probes sorted by
 * id. No directory scanning and no self-registration; a test checks every probe file is listed here.
 */
export const PROBES: readonly Probe[] = validate([
  ...codeQuality,
  ...concurrency,
  ...costControl,
  ...dataIntegrity,
  ...dataLifecycle,
  ...humanError,
  ...idempotency,
  ...observability,
  ...permissions,
  ...recovery,
  ...reliability,
  ...security,
  ...stateMachine,
  ...throughput,
  ...uiUxSafety,
]);

function validate(probes: Probe[]): Probe[] {
  const ids = new Set<string>();
  for (const probe of probes) {
    const parsed = ProbeMeta.safeParse(probe.meta);
    if (!parsed.success) {
      throw new Error(`Probe ${JSON.stringify(probe.meta?.id)} has invalid metadata: ${parsed.error.message}`);
    }
    if (ids.has(probe.meta.id)) throw new Error(`Probe id ${probe.meta.id} is registered twice`);
    ids.add(probe.meta.id);
  }
  return probes;
}

export function probeById(id: string): Probe | undefined {
  return PROBES.find((probe) => probe.meta.id === id);
}
