import { fingerprintOf, normalisedText } from '../model/fingerprint.js';
import type { Finding } from '../model/finding.js';
import type { Redactor } from '../repo/secrets.js';
import type { RepoView } from '../repo/view.js';
import { ProbeContext } from './context.js';
import type { Hit, Probe } from './types.js';

/** Scorecard-style outcome: a probe that did not apply or crashed is neither a pass nor a fail. */
export interface ProbeOutcome {
  readonly id: string;
  readonly status: 'ran' | 'not-applicable' | 'error';
  readonly hits: number;
  readonly error?: string;
  readonly durationMs: number;
}

export interface ProbeRun {
  readonly findings: Finding[];
  readonly outcomes: ProbeOutcome[];
}

/** Lines quoted around a hit when it names a single line. */
const MAX_QUOTED_LINES = 8;

/** Every probe on this thread over the whole view; `context` lets a caller share work it already did. */
export function runProbes(view: RepoView, probes: readonly Probe[], redactor: Redactor, context = new ProbeContext(view)): ProbeRun {
  const findings: Finding[] = [];
  const outcomes: ProbeOutcome[] = [];
  for (const probe of probes) {
    const started = performance.now();
    const elapsed = (): number => Math.round((performance.now() - started) * 100) / 100;
    try {
      if (probe.applies && !probe.applies(context)) {
        outcomes.push({ id: probe.meta.id, status: 'not-applicable', hits: 0, durationMs: elapsed() });
        continue;
      }
      const hits = dedupeHits(probe.detect(context));
      findings.push(...findingsOf(probe, hits, redactor));
      outcomes.push({ id: probe.meta.id, status: 'ran', hits: hits.length, durationMs: elapsed() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcomes.push({ id: probe.meta.id, status: 'error', hits: 0, error: redactor.redact(message), durationMs: elapsed() });
    }
  }
  return { findings, outcomes };
}

/** A probe's hits, as `dedupeHits` leaves them, turned into findings. */
export function findingsOf(probe: Probe, uniqueHits: readonly Hit[], redactor: Redactor): Finding[] {
  const seen = new Map<string, number>();
  return uniqueHits.map((hit) => toFinding(probe, hit, redactor, seen));
}

/** One hit per file and line (the first one there wins), in file and line order. */
export function dedupeHits(hits: readonly Hit[]): Hit[] {
  const unique = new Map<string, Hit>();
  for (const hit of hits) {
    const key = `${hit.file.path}:${hit.line}`;
    if (!unique.has(key)) unique.set(key, hit);
  }
  return [...unique.values()].sort((a, b) => (a.file.path === b.file.path ? a.line - b.line : a.file.path < b.file.path ? -1 : 1));
}

function toFinding(probe: Probe, hit: Hit, redactor: Redactor, seen: Map<string, number>): Finding {
  const { meta } = probe;
  const lines = hit.file.lines;
  const startLine = Math.min(Math.max(1, hit.line), lines.length);
  const endLine = Math.min(Math.max(startLine, hit.endLine ?? startLine), startLine + MAX_QUOTED_LINES - 1, lines.length);
  const quoted = lines.slice(startLine - 1, endLine).map((line) => redactor.redact(line));
  const key = `${hit.file.path}\0${normalisedText(quoted)}`;
  const occurrence = seen.get(key) ?? 0;
  seen.set(key, occurrence + 1);
  return {
    fingerprint: fingerprintOf(meta.id, hit.file.path, quoted, occurrence),
    ruleId: meta.id,
    title: meta.title,
    severity: hit.severity ?? meta.severity,
    category: meta.category,
    phase: meta.phase,
    sources: [{ kind: 'probe', id: meta.id }],
    evidence: [{ file: hit.file.path, startLine, endLine, lines: quoted }],
    description: redactor.redact(hit.message ?? meta.description),
    impact: meta.impact,
    recommendation: meta.remediation,
    effort: meta.effort,
    confidence: meta.confidence,
    ...(meta.cwe ? { cwe: meta.cwe } : {}),
  };
}
