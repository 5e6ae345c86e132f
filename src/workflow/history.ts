import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Severity } from '../model/taxonomy.js';

/**
 * The part of an earlier JSON report that trends need. Read leniently (any schema version that has
 * these fields), so a tool upgrade does not reset a repository's history.
 */
export const PastReport = z.object({
  schemaVersion: z.number().int(),
  target: z.object({ name: z.string(), git: z.object({ head: z.string().nullable() }).nullable() }),
  finishedAt: z.iso.datetime(),
  verdict: z.object({ rating: z.string(), readinessScore: z.number().int() }),
  findings: z.array(
    z.object({
      fingerprint: z.string(),
      title: z.string(),
      severity: Severity,
      evidence: z.array(z.object({ file: z.string(), startLine: z.number().int() })).min(1),
    }),
  ),
  workflow: z.object({ phasesRequested: z.array(z.number()).nullable(), focus: z.object({ terms: z.array(z.string()) }).nullable() }),
  coverage: z.object({ mode: z.string() }),
});
export type PastReport = z.infer<typeof PastReport>;

/** What makes two runs comparable: the same target name, phases and focus. */
export interface RunScope {
  readonly name: string;
  readonly phases: readonly number[] | null;
  readonly focus: readonly string[] | null;
}

const REPORT_NAME = /^\d{8}T\d{6}Z-.*\.json$/;

/** Every readable report in the folder, newest first. Unreadable or foreign JSON files are passed over, not fatal. */
export async function* reportsNewestFirst(dir: string): AsyncGenerator<{ file: string; report: PastReport }> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => REPORT_NAME.test(n)).sort().reverse()) {
    const text = await fs.readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    const parsed = PastReport.safeParse(json);
    if (parsed.success) yield { file: name, report: parsed.data };
  }
}

/**
 * The newest earlier report of the same root and scope in the reports folder. The reports are the
 * record — there is no separate index to drift from them — so keeping the folder (committed, or
 * cached in CI) keeps the history.
 */
export async function findPreviousReport(dir: string, scope: RunScope, before: string): Promise<{ file: string; report: PastReport } | null> {
  for await (const entry of reportsNewestFirst(dir)) {
    const { report } = entry;
    if (report.finishedAt >= before || report.target.name !== scope.name) continue;
    if (scopeKey(report.workflow.phasesRequested, report.workflow.focus?.terms ?? null) !== scopeKey(scope.phases, scope.focus)) continue;
    return entry;
  }
  return null;
}

function scopeKey(phases: readonly number[] | null, focus: readonly string[] | null): string {
  return `${phases ? [...phases].sort().join(',') : 'all'}|${focus ? [...focus].sort().join(',') : 'all'}`;
}
