import { AuditReport } from '../../src/model/report.js';
import { CATEGORIES, type Category } from '../../src/model/taxonomy.js';
import type { ProbeMeta } from '../../src/probes/types.js';

/**
 * A small, fixed report for the writers' expected-output tests: a probe finding, an agent finding
 * with two cited spans, one whose text is hostile markup, and a low one. Fixed timestamps and
 * fingerprints, so the rendered files are byte-for-byte stable.
 */
export const HOSTILE_TITLE = '<script>window.__pwned = "title"</script> in a finding title';
export const HOSTILE_CODE = `res.send('<img src=x onerror="window.__pwned = \\'code\\'">') // </script><script>window.__pwned = 'code2'</script>`;

const zero = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0 };
const STATUS: Partial<Record<Category, { status: 'FAIL' | 'PARTIAL' | 'PASS' | 'NOT_APPLICABLE'; counts: typeof zero; note: string }>> = {
  Security: { status: 'FAIL', counts: { CRITICAL: 1, HIGH: 0, MEDIUM: 1, LOW: 0 }, note: '1 critical finding(s)' },
  Permissions: { status: 'PARTIAL', counts: { CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 0 }, note: '1 high finding(s)' },
  Observability: { status: 'PASS', counts: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 1 }, note: 'only medium/low findings (1)' },
  'Data Integrity': { status: 'PASS', counts: zero, note: '2 check(s) ran, nothing found' },
  'Cost Control': { status: 'NOT_APPLICABLE', counts: zero, note: 'no paid API is called' },
};

export function smallReport(): AuditReport {
  return AuditReport.parse({
    schemaVersion: 2,
    tool: { name: 'prod-audit', version: '0.1.0' },
    target: { name: 'tiny-shop', git: { head: '0123456789abcdef0123456789abcdef01234567', branch: 'main', dirty: false } },
    startedAt: '2026-11-24T08:14:58.000Z',
    finishedAt: '2026-11-24T08:15:00.000Z',
    context: {
      text: 'Public launch, ~5k MAU',
      launchType: 'public',
      audienceSize: 5000,
      revenueImpact: false,
      dataSensitivity: 'personal',
      strictness: 'high',
      rationale: ['Public launch: high strictness.'],
      stopShipCriteria: ['Any CRITICAL finding.', 'Any confident HIGH finding.'],
    },
    verdict: {
      rating: 'NOT READY',
      readinessScore: 68,
      reasons: ['1 CRITICAL finding(s).', '1 category FAIL: Security.'],
      counts: { CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 1 },
      stopShip: ['a1b2c3d4e5f60718', 'b1b2c3d4e5f60718'],
      fixSoon: ['c1b2c3d4e5f60718'],
      acceptableRisk: ['d1b2c3d4e5f60718'],
      recommendation: 'Do not launch until the 2 stop-ship issues are resolved.',
    },
    changes: null,
    acceptedRisks: null,
    trends: null,
    scores: CATEGORIES.map((category) => ({ category, ...(STATUS[category] ?? { status: 'NOT_AUDITED', counts: zero, note: 'no probe judges this category offline' }) })),
    findings: [
      {
        fingerprint: 'a1b2c3d4e5f60718',
        ruleId: 'sql-string-concat',
        title: 'SQL built from request data',
        severity: 'CRITICAL',
        category: 'Security',
        phase: 5,
        sources: [{ kind: 'probe', id: 'sql-string-concat' }],
        evidence: [{ file: 'src/routes/items.ts', startLine: 6, endLine: 6, lines: ['  await db.query(`DELETE FROM items WHERE id = ${req.params.id}`);'] }],
        description: 'A SQL statement is interpolated with request data and run as raw SQL.',
        impact: 'An attacker can read, change or delete any data the database user can reach.',
        recommendation: 'Pass values as bound parameters.',
        effort: 'hours',
        confidence: 'high',
        cwe: 'CWE-89',
        launchClass: 'stop-ship',
      },
      {
        fingerprint: 'b1b2c3d4e5f60718',
        ruleId: 'agent:security-auditor',
        title: 'Admin export reachable by any signed-in user',
        severity: 'HIGH',
        category: 'Permissions',
        phase: 5,
        sources: [{ kind: 'agent', id: 'security-auditor' }],
        evidence: [
          { file: 'src/routes/admin export.ts', startLine: 10, endLine: 11, lines: ["router.get('/admin/export', requireAuth, async (req, res) => {", '  res.json(await db.user.findMany());'] },
          { file: 'src/auth.ts', startLine: 3, endLine: 3, lines: ['export const requireAuth = (req, res, next) => (req.user ? next() : res.sendStatus(401));'] },
        ],
        description: 'The export checks that a user is signed in, never that the user is an admin.',
        impact: 'Any customer can download every user record.',
        recommendation: 'Check the admin role before exporting.',
        effort: 'hours',
        confidence: 'medium',
        cwe: 'CWE-285',
        verification: { outcome: 'confirmed', by: 'security-auditor', reason: 'requireAuth never reads a role.' },
        launchClass: 'stop-ship',
      },
      {
        fingerprint: 'c1b2c3d4e5f60718',
        ruleId: 'template-injection',
        title: HOSTILE_TITLE,
        severity: 'MEDIUM',
        category: 'Security',
        phase: 5,
        sources: [{ kind: 'probe', id: 'template-injection' }],
        evidence: [{ file: 'src/routes/<b>page</b>.ts', startLine: 4, endLine: 4, lines: [HOSTILE_CODE] }],
        description: 'Request data is sent inside hand-built HTML: "<iframe src=javascript:alert(1)>" & more.',
        impact: 'Script runs in the victim’s session.',
        recommendation: 'Escape values put into HTML by hand.',
        effort: 'hours',
        confidence: 'medium',
        launchClass: 'fix-soon',
      },
      {
        fingerprint: 'd1b2c3d4e5f60718',
        ruleId: 'console-only-logging',
        title: 'Server logs only with console',
        severity: 'LOW',
        category: 'Observability',
        phase: 7,
        sources: [{ kind: 'probe', id: 'console-only-logging' }],
        evidence: [{ file: 'src/server.ts', startLine: 12, endLine: 12, lines: ["console.log('listening on', port);"] }],
        description: 'Logs go to the console with no levels or structure.',
        impact: 'Incidents are hard to reconstruct.',
        recommendation: 'Use a structured logger (pino).',
        effort: 'days',
        confidence: 'high',
        launchClass: 'acceptable-risk',
      },
    ],
    plan: [
      { week: 1, theme: 'Stop-ship: fix before launch', estimatedHours: 8, items: [
        { fingerprint: 'a1b2c3d4e5f60718', title: 'SQL built from request data', severity: 'CRITICAL', location: 'src/routes/items.ts:6', effort: 'hours' },
        { fingerprint: 'b1b2c3d4e5f60718', title: 'Admin export reachable by any signed-in user', severity: 'HIGH', location: 'src/routes/admin export.ts:10-11', effort: 'hours' },
      ] },
      { week: 2, theme: 'Fix soon: medium and low severity', estimatedHours: 4, items: [
        { fingerprint: 'c1b2c3d4e5f60718', title: HOSTILE_TITLE, severity: 'MEDIUM', location: 'src/routes/<b>page</b>.ts:4', effort: 'hours' },
      ] },
      { week: 4, theme: 'Acceptable risk: backlog, then re-audit', estimatedHours: 16, items: [
        { fingerprint: 'd1b2c3d4e5f60718', title: 'Server logs only with console', severity: 'LOW', location: 'src/server.ts:12', effort: 'days' },
      ] },
    ],
    systemMap: {
      languages: { typescript: 4 },
      packages: [{ path: 'package.json', name: 'tiny-shop', dependencies: ['express'], scripts: ['start'] }],
      entryPoints: [{ file: 'src/server.ts', line: 11, kind: 'http-listen', detail: 'app.listen(port)' }],
      routes: [],
      dataStores: [],
      models: [],
      externalServices: [],
      envVars: [],
      deployFiles: [],
      trustBoundaries: [],
      limits: { routes: 0, truncated: false, omitted: [] },
    },
    workflow: {
      systemType: { type: 'saas', reasons: ['default'], priority: [...CATEGORIES] },
      phases: [],
      phasesRequested: null,
      focus: null,
      gate: null,
    },
    coverage: {
      mode: 'agents',
      filesAudited: 4,
      bytesAudited: 2048,
      skipped: [{ path: 'assets/logo.png', reason: 'binary' }],
      probes: [
        { id: 'sql-string-concat', status: 'ran', hits: 1, durationMs: 3 },
        { id: 'regex-dos', status: 'error', hits: 0, error: 'parser gave up', durationMs: 1 },
        { id: 'unbounded-paid-api-loop', status: 'not-applicable', hits: 0, durationMs: 0 },
      ],
      droppedFindings: [],
      agents: [],
      model: 'claude-sonnet-5-5',
      costUsd: 0.1234,
    },
  });
}

/** Probe metadata for the SARIF expected output: a fixed few, so probe edits elsewhere do not churn it. */
export const SMALL_PROBES: ProbeMeta[] = [
  {
    id: 'sql-string-concat', title: 'SQL built from request data', category: 'Security', severity: 'CRITICAL', phase: 5, agent: 'security-auditor', cwe: 'CWE-89', confidence: 'high',
    description: 'A SQL statement is concatenated or interpolated with request data and run as raw SQL.', impact: 'An attacker can read, change or delete any data.', remediation: 'Pass values as bound parameters.', effort: 'hours',
  },
  {
    id: 'template-injection', title: 'Template built from request data', category: 'Security', severity: 'HIGH', phase: 5, agent: 'security-auditor', cwe: 'CWE-1336', confidence: 'medium',
    description: 'Request data is compiled as a template or sent inside hand-built HTML.', impact: 'Script runs in the victim’s session.', remediation: 'Escape values put into HTML by hand.', effort: 'hours',
  },
  {
    id: 'console-only-logging', title: 'Server logs only with console', category: 'Observability', severity: 'LOW', phase: 7, agent: 'ops-auditor', confidence: 'high',
    description: 'The server logs only through console.', impact: 'Incidents are hard to reconstruct.', remediation: 'Use a structured logger.', effort: 'days',
  },
  {
    id: 'missing-health-endpoint', title: 'No health endpoint', category: 'Observability', severity: 'MEDIUM', phase: 7, agent: 'ops-auditor', confidence: 'medium',
    description: 'No route answers a health check.', impact: 'The platform cannot tell a hung process from a healthy one.', remediation: 'Add GET /healthz.', effort: 'hours',
  },
];
