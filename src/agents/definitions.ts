import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AgentName } from '../model/taxonomy.js';

/** The package root: agents/ and skills/ ship beside dist/ (and beside src/ in a checkout). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const AgentFrontmatter = z.object({
  name: AgentName,
  description: z.string().min(1),
  tools: z.string().optional(),
  model: z.string().optional(),
  color: z.string().optional(),
});

const SkillFrontmatter = z.object({ name: z.string().min(1), description: z.string().min(1) });

export interface PromptDocument<T> {
  readonly meta: T;
  /** The instructions: the file without its frontmatter. */
  readonly body: string;
  readonly file: string;
}

export type AgentDefinition = PromptDocument<z.infer<typeof AgentFrontmatter>>;
export type SkillDefinition = PromptDocument<z.infer<typeof SkillFrontmatter>>;

/** Splits `---\nkey: value\n---\nbody`. The frontmatter here is flat key/value pairs, as Claude Code writes it. */
export function parseFrontmatter(text: string, file: string): { fields: Record<string, string>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`Expected ${file} to start with a --- frontmatter block, got none`);
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const field = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (field) fields[field[1]!] = field[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return { fields, body: match[2]!.trim() };
}

async function load<T>(file: string, schema: z.ZodType<T>): Promise<PromptDocument<T>> {
  const text = await fs.readFile(file, 'utf8');
  const { fields, body } = parseFrontmatter(text, file);
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw new Error(`Invalid frontmatter in ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { meta: parsed.data, body, file };
}

export function loadAgent(name: AgentName, root = PACKAGE_ROOT): Promise<AgentDefinition> {
  return load(path.join(root, 'agents', `${name}.md`), AgentFrontmatter);
}

export function loadSkill(name: string, root = PACKAGE_ROOT): Promise<SkillDefinition> {
  return load(path.join(root, 'skills', name, 'SKILL.md'), SkillFrontmatter);
}
