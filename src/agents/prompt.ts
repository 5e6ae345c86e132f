import type { BetaTextBlockParam } from '@anthropic-ai/sdk/resources/beta';
import type { Finding } from '../model/finding.js';
import type { SystemMap } from '../model/system-map.js';
import type { AgentBudget } from '../llm/budget.js';
import type { AgentDefinition, SkillDefinition } from './definitions.js';
import type { AgentRole } from './roster.js';

/**
 * The stable prefix — instructions, skills, system map — as system blocks, the last one marked for
 * prompt caching so every later turn of the agent reads it from the cache.
 */
export function systemBlocks(definition: AgentDefinition, skills: readonly SkillDefinition[], map: SystemMap, explorerNotes?: string): BetaTextBlockParam[] {
  const blocks: BetaTextBlockParam[] = [{ type: 'text', text: `# Agent: ${definition.meta.name}\n\n${definition.body}` }];
  for (const skill of skills) blocks.push({ type: 'text', text: `# Skill: ${skill.meta.name}\n\n${skill.body}` });
  const mapText = `# System map\n\n${JSON.stringify(map)}${explorerNotes ? `\n\n# System explorer's notes\n\n${explorerNotes}` : ''}`;
  blocks.push({ type: 'text', text: mapText, cache_control: { type: 'ephemeral' } });
  return blocks;
}

/** A compact lead: what the agent needs to confirm or reject it, not the whole finding. */
function lead(finding: Finding) {
  const e = finding.evidence[0]!;
  return { fingerprint: finding.fingerprint, rule: finding.ruleId, severity: finding.severity, category: finding.category, title: finding.title, at: `${e.file}:${e.startLine}`, detail: finding.description };
}

/** The first user turn: the assignment as data (no instructions here; they live in agents/*.md). */
export function assignment(role: AgentRole, leads: readonly Finding[], budget: AgentBudget, focus: readonly string[], changed?: { since: string; files: readonly string[] }): string {
  return JSON.stringify({
    agent: role.name,
    phases: role.phases,
    categories: role.categories,
    focus: focus.length > 0 ? focus : 'whole repository',
    ...(changed ? { changedSince: changed.since, changedFiles: changed.files } : {}),
    budget: { turns: budget.maxTurns, outputTokens: budget.maxOutputTokens },
    leads: leads.map(lead),
  });
}

/** The skeptic's assignment: one finding to try to disprove. */
export function assignmentToVerify(role: AgentRole, finding: Finding): string {
  return JSON.stringify({
    agent: role.name,
    mode: 'verify',
    finding: { title: finding.title, severity: finding.severity, category: finding.category, description: finding.description, evidence: finding.evidence },
  });
}
