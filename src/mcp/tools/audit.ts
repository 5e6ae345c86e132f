import fs from 'node:fs/promises';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import type { AgentsOptions } from '../../agents/orchestrate.js';
import { parseSavedReport, type AuditReport } from '../../model/report.js';
import { AGENTS, type AgentName, type PhaseId } from '../../model/taxonomy.js';
import { climbsOut, resolveInside } from '../../repo/sandbox.js';
import { REPORT_FORMATS, writeReports } from '../../report/write.js';
import { FAIL_ON, gateBlocks, type FailOn } from '../../verdict/gate.js';
import { runAudit } from '../../workflow/audit.js';
import { describeEvent, type AuditEvent } from '../../workflow/events.js';
import type { ToolContext } from '../context.js';
import { guarded, ok, ToolRefused } from '../results.js';

const DEFAULT_OUT = 'packages/docs/audits';

const VerdictSummary = {
  rating: z.string(),
  readinessScore: z.number(),
  blocked: z.boolean().describe('Whether the gate blocks progression (the CLI would exit 1)'),
  counts: z.object({ CRITICAL: z.number(), HIGH: z.number(), MEDIUM: z.number(), LOW: z.number() }),
  stopShip: z.array(z.object({ title: z.string(), severity: z.string(), location: z.string(), fingerprint: z.string() })),
  recommendation: z.string(),
  mode: z.string(),
  finishedAt: z.string(),
  reportPaths: z.array(z.string()).describe('Report files, relative to the repository root'),
};

function summarise(report: AuditReport, failOn: FailOn, reportPaths: string[]) {
  const byId = new Map(report.findings.map((f) => [f.fingerprint, f]));
  const stopShip = report.verdict.stopShip.map((id) => byId.get(id)!).map((f) => ({
    title: f.title,
    severity: f.severity,
    location: `${f.evidence[0]!.file}:${f.evidence[0]!.startLine}`,
    fingerprint: f.fingerprint,
  }));
  const { rating, readinessScore, counts, recommendation } = report.verdict;
  return { rating, readinessScore, blocked: gateBlocks(report, failOn), counts, stopShip, recommendation, mode: report.coverage.mode, finishedAt: report.finishedAt, reportPaths };
}

/** A folder inside the root for reports; it may not exist yet, but its nearest existing ancestor must really be inside. */
async function outDirInside(root: string, requested: string): Promise<string> {
  const refuse = (): never => {
    throw new ToolRefused(`Refused out "${requested}": reports must be written inside the repository`);
  };
  const absolute = path.resolve(root, requested);
  const inside = (p: string): boolean => !climbsOut(path.relative(root, p));
  if (path.isAbsolute(requested) || requested.includes('\0') || !inside(absolute)) refuse();
  let existing = absolute;
  while (!(await fs.stat(existing).then(() => true, () => false))) existing = path.dirname(existing);
  if (!inside(await fs.realpath(existing))) refuse();
  return absolute;
}

export function registerAuditTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'run_audit',
    {
      title: 'Run a production-readiness audit',
      description: 'Audits the repository (or a folder in it) and writes timestamped reports (Markdown, JSON, SARIF, HTML); returns the launch verdict, the stop-ship list and the report paths. Sends progress notifications.',
      inputSchema: {
        path: z.string().max(1000).default('.').describe('Folder to audit, relative to the repository root'),
        context: z.string().max(2000).optional().describe('The launch in plain words, e.g. "First public launch, expecting ~5k MAU"; sets strictness'),
        format: z.array(z.enum(REPORT_FORMATS)).min(1).default([...REPORT_FORMATS]).describe('Report formats to write: md (human report), json (schema-versioned), sarif (code scanning), html (self-contained page)'),
        failOn: z.enum(FAIL_ON).default('stop-ship').describe('When the verdict counts as blocked: stop-ship, high, or never'),
        out: z.string().max(1000).default(DEFAULT_OUT).describe('Folder for the reports, relative to the repository root'),
        focus: z.array(z.string().min(1).max(200)).max(20).optional().describe('Paths, globs or topics (auth, billing, migrations, webhooks…) to keep the audit to'),
        phases: z.array(z.number().int().min(3).max(8)).min(1).optional().describe('Only these of the parallel phases: 3 code health, 4 data safety, 5 security, 6 performance, 7 observability, 8 operations'),
        since: z.string().regex(/^(?!-)(?!.*\.\.)[\w./~^@{}+-]{1,200}$/).optional().describe('Diff mode: a git revision (e.g. origin/main); only findings on lines changed since it block'),
        agents: z.array(z.enum(AGENTS)).min(1).optional().describe('Which agents run, when the server has ANTHROPIC_API_KEY; default all five'),
      },
      outputSchema: VerdictSummary,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) =>
      guarded(ctx.redactor, async () => {
        const { root } = ctx.workspace;
        const target = args.path === '.' ? root : resolveInside(root, args.path).absolute;
        const outDir = await outDirInside(root, args.out);
        const token = extra._meta?.progressToken;
        let step = 0;
        const onEvent = (event: AuditEvent): void => {
          if (token === undefined || event.type === 'finding') return;
          void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: ++step, message: describeEvent(event) } }).catch(() => {});
        };
        try {
          const { report, redactor } = await runAudit({
            target,
            context: args.context,
            onEvent,
            ...(args.focus ? { focus: args.focus } : {}),
            ...(args.phases ? { phases: args.phases as PhaseId[] } : {}),
            ...(args.since ? { since: args.since } : {}),
            reportsDir: outDir,
            ...agentsFromEnvironment(args.agents),
          });
          const written = await writeReports(report, outDir, args.format, redactor);
          ctx.lastReportPaths = written;
          const summary = summarise(report, args.failOn, written.map((p) => path.relative(root, p)));
          return ok(summary, renderSummary(summary));
        } catch (error) {
          if (error instanceof UserError) throw new ToolRefused(`${error.message}. ${error.hint}`);
          throw error;
        }
      }),
  );

  server.registerTool(
    'get_verdict',
    {
      title: 'Get the latest verdict',
      description: 'Returns the verdict of the most recent audit report of this repository, without running a new audit.',
      inputSchema: {},
      outputSchema: VerdictSummary,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      guarded(ctx.redactor, async () => {
        const latest = await latestReport(ctx);
        if (!latest) throw new ToolRefused('No audit report found for this repository; call run_audit first');
        const report = parseSavedReport(JSON.parse(await fs.readFile(latest, 'utf8')));
        const siblings = REPORT_FORMATS.map((format) => latest.replace(/\.json$/, `.${format}`));
        const existing = (await Promise.all(siblings.map((p) => fs.access(p).then(() => p, () => undefined)))).filter((p): p is string => p !== undefined);
        const summary = summarise(report, 'stop-ship', existing.map((p) => path.relative(ctx.workspace.root, p)));
        return ok(summary, renderSummary(summary));
      }),
  );
}

/** The server's own key decides whether agents run; a client cannot supply one. */
function agentsFromEnvironment(agents: readonly AgentName[] | undefined): { agents?: AgentsOptions } {
  const apiKey = process.env.ANTHROPIC_API_KEY?.trim();
  if (!apiKey) return {};
  const baseURL = process.env.ANTHROPIC_BASE_URL?.trim();
  return { agents: { llm: { apiKey, ...(baseURL ? { baseURL } : {}) }, ...(agents ? { agents } : {}) } };
}

/** The newest JSON report: from the last run_audit, else the default reports folder. */
async function latestReport(ctx: ToolContext): Promise<string | undefined> {
  const fromLastRun = ctx.lastReportPaths.find((p) => p.endsWith('.json'));
  if (fromLastRun) return fromLastRun;
  const dir = path.join(ctx.workspace.root, DEFAULT_OUT);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const newest = names.filter((n) => /^\d{8}T\d{6}Z-.*\.json$/.test(n)).sort().at(-1);
  return newest && path.join(dir, newest);
}

function renderSummary(summary: ReturnType<typeof summarise>): string {
  const lines = [`Production Readiness Verdict: ${summary.rating} (readiness ${summary.readinessScore}/100)${summary.blocked ? ' — BLOCKED' : ''}`];
  lines.push(`Stop-Ship Issues (${summary.stopShip.length}):`, ...summary.stopShip.map((s, i) => `${i + 1}. ${s.severity} ${s.title} — ${s.location}`));
  lines.push(`Recommendation: ${summary.recommendation}`, `Reports: ${summary.reportPaths.join(', ')}`);
  return lines.join('\n');
}
