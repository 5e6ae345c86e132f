import type { AgentName, Category, PhaseId } from '../model/taxonomy.js';

export const SKILLS = ['data-safety', 'performance', 'observability'] as const;
export type SkillName = (typeof SKILLS)[number];

export interface AgentRole {
  readonly name: AgentName;
  readonly phases: readonly PhaseId[];
  /** The categories this agent judges: with agents running, these count as audited. */
  readonly categories: readonly Category[];
  readonly skills: readonly SkillName[];
}

/** Who does what (the design's phase table). The instructions themselves live in agents/*.md. */
export const ROSTER: readonly AgentRole[] = [
  { name: 'system-explorer', phases: [2], categories: [], skills: [] },
  { name: 'code-auditor', phases: [3, 6], categories: ['Code Quality', 'Throughput', 'Concurrency', 'State Machine'], skills: ['performance'] },
  { name: 'security-auditor', phases: [5], categories: ['Security', 'Permissions'], skills: [] },
  { name: 'reliability-auditor', phases: [4, 8], categories: ['Data Integrity', 'Reliability', 'Recovery', 'Idempotency', 'Data Lifecycle'], skills: ['data-safety'] },
  { name: 'ops-auditor', phases: [7, 8], categories: ['Observability', 'Cost Control', 'Human Error', 'UI/UX Safety'], skills: ['observability'] },
];

export function roleOf(name: AgentName): AgentRole {
  return ROSTER.find((role) => role.name === name)!;
}
