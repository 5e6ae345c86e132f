import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import PQueue from 'p-queue';
import { z } from 'zod';
import type { Finding } from '../model/finding.js';
import type { Verification } from '../model/finding.js';
import { severityRank } from '../model/taxonomy.js';
import { loadAgent, loadSkill } from './definitions.js';
import type { AgentsSession } from './orchestrate.js';
import { assignmentToVerify, systemBlocks } from './prompt.js';
import { ROSTER } from './roster.js';
import { converse } from './runtime.js';

/** At most this many findings are re-examined: the costliest pass must stay bounded too. */
export const MAX_VERIFIED = 20;
const VERIFY_TURNS = 8;

/**
 * The skeptic pass: for each CRITICAL or HIGH finding, the agent that owns its category gets one
 * short session to disprove it, and records `confirmed`, `disproved` or `uncertain` with a reason.
 */
export async function skepticPass(session: AgentsSession, findings: readonly Finding[]): Promise<Map<string, Verification>> {
  const targets = findings
    .filter((f) => f.severity === 'CRITICAL' || f.severity === 'HIGH')
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity))
    .slice(0, MAX_VERIFIED);
  const queue = new PQueue({ concurrency: session.concurrency });
  const outcomes = new Map<string, Verification>();
  await Promise.all(targets.map((finding) => queue.add(async () => {
    const role = ROSTER.find((r) => r.categories.includes(finding.category)) ?? ROSTER.find((r) => r.name === 'security-auditor')!;
    const [definition, skills] = await Promise.all([loadAgent(role.name), Promise.all(role.skills.map((s) => loadSkill(s)))]);
    let verdict: Omit<Verification, 'by'> | undefined;
    const tool = betaZodTool({
      name: 'verdict',
      description: 'Record whether the finding survives your attempt to disprove it.',
      inputSchema: z.object({
        outcome: z.enum(['confirmed', 'disproved', 'uncertain']).describe('confirmed: real as described; disproved: evidence shows it is not; uncertain: cannot tell'),
        reason: z.string().min(10).max(2000).describe('The evidence, citing file:line'),
      }),
      run: (input) => {
        verdict = input;
        return 'Recorded.';
      },
    });
    const result = await converse({
      ...session,
      budget: { ...session.budget, maxTurns: Math.min(session.budget.maxTurns, VERIFY_TURNS) },
      system: systemBlocks(definition, skills, session.map),
      first: assignmentToVerify(role, finding),
      ledgerTools: [tool],
      done: () => verdict !== undefined,
      hasResults: () => verdict !== undefined,
    });
    const recorded = verdict ?? { outcome: 'uncertain' as const, reason: `no verdict (${result.notes.join('; ') || result.status})` };
    outcomes.set(finding.fingerprint, { ...recorded, reason: session.redactor.redact(recorded.reason), by: role.name });
  })));
  return outcomes;
}
