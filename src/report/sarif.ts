import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import type { ClassifiedFinding, Evidence } from '../model/finding.js';
import type { AuditReport } from '../model/report.js';
import type { Category, Severity } from '../model/taxonomy.js';
import type { ProbeMeta } from '../probes/types.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Where every artifact URI is rooted; consumers (code scanning) map it to their checkout. */
export const SRCROOT = '%SRCROOT%';

/** Our fingerprints hash rule, file and cited text; the key is versioned so a new scheme never collides. */
export const FINGERPRINT_KEY = 'prodAuditFingerprint/v1';

const LEVEL: Record<Severity, Result.level> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note' };

/**
 * GitHub code scanning reads `security-severity` (a CVSS-like 0.0–10.0 string) to bucket alerts:
 * ≥ 9.0 critical, ≥ 7.0 high, ≥ 4.0 medium, below that low. One value per severity lands each in its own bucket.
 */
const SECURITY_SEVERITY: Record<Severity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '3.0' };

/** Categories whose findings are vulnerabilities; code scanning shows `security`-tagged rules with a severity. */
const SECURITY_CATEGORIES: ReadonlySet<Category> = new Set(['Security', 'Permissions']);

/**
 * SARIF 2.1.0 for code scanning: one rule per probe (whether or not it fired, so a consumer can tell
 * "checked, clean" from "never checked"), one per agent rule id seen, and one result per finding with
 * our stable fingerprint. The verdict rides along in the run's properties and its invocation.
 */
export function renderSarif(report: AuditReport, probes: readonly ProbeMeta[]): string {
  return `${JSON.stringify(buildSarif(report, probes), null, 2)}\n`;
}

export function buildSarif(report: AuditReport, probes: readonly ProbeMeta[]): Log {
  const rules = [...probes].sort((a, b) => a.id.localeCompare(b.id)).map(probeRule);
  const known = new Set(rules.map((r) => r.id));
  for (const finding of report.findings) {
    if (known.has(finding.ruleId)) continue;
    known.add(finding.ruleId);
    rules.push(findingRule(finding));
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const { verdict } = report;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'prod-audit', version: report.tool.version, semanticVersion: report.tool.version, rules } },
        // No absolute path: the report may be shared, and the local checkout's location is nobody's business.
        originalUriBaseIds: { [SRCROOT]: { description: { text: `The root of the audited repository (${report.target.name})` } } },
        automationDetails: { id: `prod-audit/${report.target.name}/${report.finishedAt}` },
        invocations: [
          {
            executionSuccessful: !report.incomplete && report.coverage.probes.every((p) => p.status !== 'error'),
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            toolExecutionNotifications: report.coverage.probes
              .filter((p) => p.status === 'error')
              .map((p) => ({ level: 'error' as const, message: { text: `Probe ${p.id} failed to run: ${p.error ?? 'unknown error'}` }, descriptor: { id: p.id } })),
            properties: { verdict: verdict.rating, readinessScore: verdict.readinessScore, mode: report.coverage.mode, strictness: report.context.strictness },
          },
        ],
        results: report.findings.map((f) => result(f, ruleIndex.get(f.ruleId)!)),
        columnKind: 'unicodeCodePoints',
        properties: {
          verdict: verdict.rating,
          readinessScore: verdict.readinessScore,
          reasons: verdict.reasons,
          recommendation: verdict.recommendation,
          counts: verdict.counts,
          stopShip: verdict.stopShip,
          categories: report.scores.map((s) => ({ category: s.category, status: s.status, counts: s.counts, note: s.note })),
        },
      },
    ],
  };
}

function probeRule(meta: ProbeMeta): ReportingDescriptor {
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: {
      text: `${meta.description}\n\nImpact: ${meta.impact}\n\nFix: ${meta.remediation}`,
      markdown: `${meta.description}\n\n**Impact:** ${meta.impact}\n\n**Fix:** ${meta.remediation}\n\nEffort: ${meta.effort}. Listed in the prod-audit probe catalogue (docs/probes.md, section ${meta.category}).`,
    },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: tags(meta.category, meta.cwe),
      'security-severity': SECURITY_SEVERITY[meta.severity],
      precision: meta.confidence,
      category: meta.category,
      phase: meta.phase,
      agent: meta.agent,
    },
  };
}

/** An agent's own rule id has no metadata of its own: the finding it came with describes it. */
function findingRule(finding: ClassifiedFinding): ReportingDescriptor {
  return {
    id: finding.ruleId,
    name: pascalCase(finding.ruleId),
    shortDescription: { text: finding.title },
    fullDescription: { text: `Found by investigation rather than a deterministic probe (${finding.category}).` },
    help: { text: finding.recommendation, markdown: `**Fix:** ${finding.recommendation}` },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: { tags: tags(finding.category, finding.cwe), 'security-severity': SECURITY_SEVERITY[finding.severity], precision: finding.confidence, category: finding.category },
  };
}

function result(f: ClassifiedFinding, ruleIndex: number): Result {
  const [first, ...rest] = f.evidence;
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.title}: ${f.description}` },
    locations: [location(first!)],
    ...(rest.length > 0 ? { relatedLocations: rest.map((e, i) => ({ ...location(e), id: i + 1 })) } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    // Diff mode and accepted risks map onto SARIF's own notions, so code-scanning UIs show them natively.
    ...(f.change ? { baselineState: f.change === 'new' ? 'new' : 'unchanged' } : {}),
    ...(f.acceptance && !f.acceptance.expired
      ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.acceptance.reason} (owner: ${f.acceptance.owner})` }] }
      : {}),
    properties: {
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      category: f.category,
      phase: f.phase,
      launchClass: f.launchClass,
      confidence: f.confidence,
      effort: f.effort,
      impact: f.impact,
      recommendation: f.recommendation,
      sources: f.sources.map((s) => `${s.kind}:${s.id}`),
      ...(f.verification ? { verification: f.verification } : {}),
    },
  };
}

function location(e: Evidence): Location {
  return {
    physicalLocation: {
      artifactLocation: { uri: fileUri(e.file), uriBaseId: SRCROOT },
      region: { startLine: e.startLine, endLine: e.endLine, snippet: { text: e.lines.join('\n') } },
    },
  };
}

/** A relative URI reference: each path segment percent-encoded, so spaces, `#` or `?` in names stay part of the path. */
export function fileUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function tags(category: Category, cwe: string | undefined): string[] {
  const out = SECURITY_CATEGORIES.has(category) ? ['security', 'production-readiness', category] : ['production-readiness', category];
  if (cwe) out.push(`external/cwe/${cwe.toLowerCase()}`);
  return out;
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
