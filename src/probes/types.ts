import { z } from 'zod';
import { AgentName, Category, Confidence, Effort, PhaseId, Severity } from '../model/taxonomy.js';
import type { SourceFile } from '../repo/view.js';
import type { ProbeContext } from './context.js';

/** Probe metadata is data: validated when the registry loads, rendered into docs and SARIF rules. */
export const ProbeMeta = z.object({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'kebab-case'),
  title: z.string().min(1),
  category: Category,
  severity: Severity,
  phase: PhaseId,
  agent: AgentName,
  cwe: z.string().regex(/^CWE-\d+$/).optional(),
  confidence: Confidence,
  /** One sentence: what the probe detects. Also its documentation line. */
  description: z.string().min(1),
  impact: z.string().min(1),
  remediation: z.string().min(1),
  effort: Effort,
});
export type ProbeMeta = z.infer<typeof ProbeMeta>;

/** One place a probe found. Lines are 1-based and inclusive. */
export interface Hit {
  readonly file: SourceFile;
  readonly line: number;
  readonly endLine?: number;
  /** What is specific to this place; replaces the generic description. */
  readonly message?: string;
  /** When this place is worse or milder than the probe's default. */
  readonly severity?: Severity;
}

/**
 * Where a probe's evidence comes from. `'file'`: its hits on a file depend only on that file (plus the
 * repo facts a file-scoped context still answers: dependencies, `isFrontEnd`, `isServer`), so it may run
 * file by file in worker threads. `'repo'` (the default when undeclared): it reads across files (routes,
 * middleware, other files' text) and runs on the main thread over the whole view.
 */
export type ProbeScope = 'file' | 'repo';

export interface Probe {
  readonly meta: ProbeMeta;
  /** @default 'repo' — only declare `'file'` when a hit on a file never depends on another file. */
  readonly scope?: ProbeScope;
  /** False when the target holds nothing this probe judges (Scorecard's NotApplicable). */
  applies?(ctx: ProbeContext): boolean;
  /** Pure: reads the context, returns hits. No I/O of its own. */
  detect(ctx: ProbeContext): Hit[];
}

export function defineProbe(probe: Probe): Probe {
  return probe;
}
