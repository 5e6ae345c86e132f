import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAgent, loadSkill, parseFrontmatter } from '../../src/agents/definitions.js';
import { ROSTER, SKILLS } from '../../src/agents/roster.js';
import { AGENTS } from '../../src/model/taxonomy.js';

describe('agent and skill files', () => {
  it.each(AGENTS)('agents/%s.md loads, names itself, and has instructions', async (name) => {
    const agent = await loadAgent(name);
    expect(agent.meta.name).toBe(name);
    expect(agent.meta.description.length).toBeGreaterThan(20);
    expect(agent.body.length).toBeGreaterThan(500);
  });

  it.each(SKILLS)('skills/%s/SKILL.md loads', async (name) => {
    const skill = await loadSkill(name);
    expect(skill.meta.name).toBe(name);
    expect(skill.body.length).toBeGreaterThan(500);
  });

  it('has a role for every agent and no agent file without one', () => {
    expect(ROSTER.map((r) => r.name).sort()).toEqual([...AGENTS].sort());
    expect(fs.readdirSync('agents').sort()).toEqual(AGENTS.map((a) => `${a}.md`).sort());
  });

  it('rejects a file without frontmatter with a message naming it', () => {
    expect(() => parseFrontmatter('# no frontmatter', 'agents/x.md')).toThrow('Expected agents/x.md to start with a --- frontmatter block');
  });
});
