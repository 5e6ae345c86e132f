import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { z } from 'zod';
import type { Finding } from '../model/finding.js';
import { fingerprintOf } from '../model/fingerprint.js';
import { AgentName, Category, Confidence, Effort, PhaseId, Severity } from '../model/taxonomy.js';
import type { AgentRole } from './roster.js';

export const ReportFindingInput = z.object({
  title: z.string().min(5).max(200).describe('One line naming the problem'),
  severity: Severity.describe('CRITICAL, HIGH, MEDIUM or LOW, by the rubric in your instructions'),
  category: Category.describe('One of the fifteen audit categories, spelled exactly'),
  evidence: z
    .array(
      z.object({
        file: z.string().min(1).describe('Path relative to the repository root'),
        startLine: z.number().int().min(1),
        endLine: z.number().int().min(1),
        quote: z.string().min(1).describe('The exact lines startLine..endLine as read_file shows them, without the line-number prefixes'),
      }),
    )
    .min(1)
    .max(5)
    .describe('Where the problem is; every quote is checked against the file'),
  description: z.string().min(1).max(3000).describe('What is wrong, traced through the code'),
  impact: z.string().min(1).max(2000).describe('What happens in production because of it'),
  recommendation: z.string().min(1).max(2000).describe('How to fix it'),
  effort: Effort,
  confidence: Confidence,
  cwe: z.string().regex(/^CWE-\d+$/).optional(),
  leadFingerprint: z.string().regex(/^[0-9a-f]{16}$/).optional().describe('The fingerprint of the probe lead this confirms, if any'),
});
export type ReportFindingInput = z.infer<typeof ReportFindingInput>;

/**
 * What one agent reported, through its three tools. The model reaches the audit only through
 * these zod-validated calls; invalid input is returned to it as a tool error by the SDK.
 */
export class AgentLedger {
  readonly findings: Finding[] = [];
  readonly rejectedLeads: { fingerprint: string; reason: string }[] = [];
  summary: string | undefined;
  finished = false;

  constructor(
    private readonly agent: AgentName,
    private readonly role: AgentRole,
    private readonly leads: ReadonlyMap<string, Finding>,
  ) {}

  tools() {
    return [
      betaZodTool({
        name: 'report_finding',
        description: 'Record one finding with its evidence. Call once per distinct problem.',
        inputSchema: ReportFindingInput,
        run: (input) => this.report(input),
      }),
      betaZodTool({
        name: 'reject_lead',
        description: 'Record, with evidence in the reason, that a probe lead is a false positive.',
        inputSchema: z.object({
          fingerprint: z.string().regex(/^[0-9a-f]{16}$/).describe('The lead fingerprint'),
          reason: z.string().min(10).max(2000).describe('Why it is not a real problem, citing file:line'),
        }),
        run: ({ fingerprint, reason }) => {
          if (!this.leads.has(fingerprint)) return `No lead has fingerprint ${fingerprint}.`;
          this.rejectedLeads.push({ fingerprint, reason });
          return 'Noted. The probe finding stays in the report with your reason beside it.';
        },
      }),
      betaZodTool({
        name: 'finish',
        description: 'End the investigation with a short summary of what was checked and what was not.',
        inputSchema: z.object({ summary: z.string().min(1).max(4000).describe('3–6 sentences') }),
        run: ({ summary }) => {
          this.summary = summary;
          this.finished = true;
          return 'Finished.';
        },
      }),
    ];
  }

  private report(input: ReportFindingInput): string {
    const lead = input.leadFingerprint ? this.leads.get(input.leadFingerprint) : undefined;
    const ruleId = lead?.ruleId ?? `agent:${this.agent}`;
    const evidence = input.evidence.map((e) => ({ file: e.file.replace(/^\.\//, ''), startLine: e.startLine, endLine: e.endLine, lines: e.quote.split(/\r?\n/) }));
    const first = evidence[0]!;
    const finding: Finding = {
      fingerprint: fingerprintOf(ruleId, first.file, first.lines, this.findings.length),
      ruleId,
      title: input.title,
      severity: input.severity,
      category: input.category,
      phase: lead?.phase ?? phaseFor(this.role),
      sources: [{ kind: 'agent', id: this.agent }],
      evidence,
      description: input.description,
      impact: input.impact,
      recommendation: input.recommendation,
      effort: input.effort,
      confidence: input.confidence,
      ...(input.cwe ?? lead?.cwe ? { cwe: input.cwe ?? lead?.cwe } : {}),
    };
    this.findings.push(finding);
    return `Recorded ${finding.fingerprint}. Its evidence will be checked against the file.`;
  }
}

function phaseFor(role: AgentRole): PhaseId {
  return role.phases[0] ?? 9;
}
