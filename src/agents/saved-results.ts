import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { Finding } from '../model/finding.js';
import { AgentName } from '../model/taxonomy.js';
import type { Redactor } from '../repo/secrets.js';
import { readJsonIfValid, writeFileAtomic } from '../state/atomic-file.js';
import { VERSION } from '../version.js';
import type { AgentResult } from './runtime.js';

/**
 * An agent's result, saved with what it depended on: the key of everything it was told (instructions,
 * skills, system map, leads, model, budget, tool list, prod-audit's version) and every repository tool
 * call it made with a digest of the answer. It is still valid when the key is equal and every call,
 * replayed against the repository as it is now, answers the same: then the model would be asked the
 * same questions and shown the same files, and asking again would only cost money.
 */
export const SavedAgentResult = z.object({
  format: z.literal('prod-audit/agent-result@1'),
  tool: z.string(),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  savedAt: z.iso.datetime(),
  reads: z.array(z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()), digest: z.string().regex(/^[0-9a-f]{64}$/) })),
  /** The files it read, with their content hashes: for people; validity is decided by the replayed calls. */
  files: z.array(z.object({ path: z.string(), sha256: z.string() })),
  result: z.object({
    name: AgentName,
    status: z.enum(['completed', 'partial', 'failed', 'cancelled']),
    findings: z.array(Finding),
    rejectedLeads: z.array(z.object({ fingerprint: z.string(), reason: z.string() })),
    summary: z.string().nullable(),
    usd: z.number(),
    turns: z.number().int(),
    notes: z.array(z.string()),
  }),
});
export type SavedAgentResult = z.infer<typeof SavedAgentResult>;

export interface ToolCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** What a replayed call answers now, as a digest; the MCP client does the work. */
export type Replay = (call: ToolCall) => Promise<string>;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The digest of a tool result: its content and whether it was an error, nothing else (no ids, no timing). */
export function digestToolResult(result: object): string {
  const { content, isError } = result as { content?: unknown; isError?: unknown };
  return sha256(JSON.stringify({ content: content ?? null, isError: isError === true }));
}

/** The key of one agent's assignment: any change in what it is told or how it may work is a different key. */
export function assignmentKey(parts: { model: string; system: unknown; first: string; tools: readonly unknown[]; budget: unknown }): string {
  return sha256(JSON.stringify({ version: VERSION, ...parts }));
}

/** The repository tool calls one agent makes, recorded as they return. */
export class ReadLog {
  readonly calls: { name: string; arguments: Record<string, unknown>; digest: string }[] = [];
  readonly files = new Map<string, string>();

  /** `fileHash` gives the content hash of a file of the audited snapshot. */
  constructor(private readonly fileHash: (file: string) => string | undefined) {}

  record(call: ToolCall, result: object): void {
    this.calls.push({ name: call.name, arguments: call.arguments, digest: digestToolResult(result) });
    const file = call.name === 'read_file' && typeof call.arguments['path'] === 'string' ? call.arguments['path'] : undefined;
    const hash = file !== undefined ? this.fileHash(file) : undefined;
    if (file !== undefined && hash !== undefined) this.files.set(file, hash);
  }
}

/**
 * A folder of saved agent results, one JSON file each: the result cache (named by key) and a run's
 * checkpoints (named by agent) share the format. A file that is missing, corrupt, written by another
 * version or for another key is a miss, never an error: the agent runs and the file is rewritten.
 */
export class SavedResults {
  constructor(private readonly dir: string) {}

  async load(name: string, key: string, replay: Replay): Promise<SavedAgentResult | undefined> {
    const parsed = SavedAgentResult.safeParse(await readJsonIfValid(this.file(name)));
    if (!parsed.success || parsed.data.key !== key || parsed.data.tool !== VERSION) return undefined;
    for (const call of parsed.data.reads) {
      if ((await replay(call)) !== call.digest) return undefined;
    }
    return parsed.data;
  }

  async save(name: string, key: string, log: ReadLog, result: AgentResult, redactor: Redactor): Promise<void> {
    const entry: SavedAgentResult = {
      format: 'prod-audit/agent-result@1',
      tool: VERSION,
      key,
      savedAt: new Date().toISOString(),
      reads: log.calls,
      files: [...log.files].map(([file, hash]) => ({ path: file, sha256: hash })),
      // The quotes came through the redacting tools already; this is the belt to those braces.
      result: JSON.parse(redactor.redact(JSON.stringify({
        name: result.name,
        status: result.status,
        findings: result.findings,
        rejectedLeads: result.rejectedLeads,
        summary: result.summary ?? null,
        usd: result.usage.usd,
        turns: result.usage.turns,
        notes: result.notes,
      }))),
    };
    await this.saveEntry(name, entry);
  }

  /** Keeps an entry as it is (a cached result becoming a run's checkpoint). */
  async saveEntry(name: string, entry: SavedAgentResult): Promise<void> {
    await writeFileAtomic(this.file(name), `${JSON.stringify(entry)}\n`);
  }

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }
}

/** A saved result as this run's result: no model call was made for it, so this run spent nothing on it. */
export function reusedResult(saved: SavedAgentResult, from: 'checkpoint' | 'result-cache'): AgentResult {
  const r = saved.result;
  const why = from === 'checkpoint' ? 'finished before the interruption' : 'the files it read are unchanged';
  return {
    name: r.name,
    status: r.status,
    findings: r.findings,
    rejectedLeads: r.rejectedLeads,
    summary: r.summary ?? undefined,
    usage: { turns: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, usd: 0, startedAt: new Date().toISOString(), durationMs: 0 },
    apiStatus: null,
    notes: [`reused from the ${from === 'checkpoint' ? 'run checkpoint' : 'result cache'} (${why}; no model call, $${r.usd.toFixed(4)} not spent again)`, ...r.notes],
    reused: { from, savedUsd: r.usd },
  };
}
