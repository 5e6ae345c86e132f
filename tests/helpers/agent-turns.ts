import { systemText, toolUse, type RecordedRequest, type Step } from './fake-anthropic.js';
import { finish } from './faults.js';

/**
 * A script that answers each agent by the turn of its own conversation (the assistant messages so far),
 * not by how many requests it has seen: an agent run again later starts again at its first step, so one
 * script serves a first audit, a re-audit and a resume alike. After the last step an agent finishes.
 */
export function byAgentTurn(steps: Partial<Record<string, Step[]>>): (request: RecordedRequest) => Step {
  const names = Object.keys(steps);
  return (request) => {
    const system = systemText(request.effective?.system ?? request.body.system);
    const agent = names.find((name) => system.includes(`# Agent: ${name}`)) ?? null;
    request.agent = agent;
    const turn = (request.effective?.messages ?? []).filter((m) => m.role === 'assistant').length;
    return (agent !== null ? steps[agent]?.[turn] : undefined) ?? finish(`${agent ?? 'agent'} checked its area.`);
  };
}

export const read = (file: string): Step => ({ reply: [toolUse('read_file', { path: file })] });

/** Resolves when the condition holds, checking every 10 ms; rejects after the limit. */
export async function until(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
