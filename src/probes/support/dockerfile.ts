import type { SourceFile } from '../../repo/view.js';

export interface DockerInstruction {
  readonly line: number;
  readonly keyword: string;
  readonly args: string;
}

/** Parses a Dockerfile into instructions, joining `\` continuations and skipping comments. */
export function dockerInstructions(file: SourceFile): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = file.lines;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i]!.trim();
    if (text === '' || text.startsWith('#')) continue;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    const match = /^([A-Za-z]+)\s*(.*)$/.exec(text);
    if (match) out.push({ line: start + 1, keyword: match[1]!.toUpperCase(), args: match[2]! });
  }
  return out;
}

/** Splits instructions into build stages (one per FROM). */
export function dockerStages(file: SourceFile): DockerInstruction[][] {
  const stages: DockerInstruction[][] = [];
  for (const instruction of dockerInstructions(file)) {
    if (instruction.keyword === 'FROM' || stages.length === 0) stages.push([]);
    stages.at(-1)!.push(instruction);
  }
  return stages;
}
