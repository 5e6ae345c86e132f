import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PathRefused } from '../repo/sandbox.js';
import { Redactor } from '../repo/secrets.js';
import { SearchRefused } from './search.js';

/** A refusal the client can read and act on; the server keeps answering. */
export class ToolRefused extends Error {
  override readonly name = 'ToolRefused';
}

/** A successful result: structured content for programs, the same (or a readable rendering) as text for models. */
export function ok<T extends Record<string, unknown>>(structured: T, text: string = JSON.stringify(structured, null, 2)): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

export function refused(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/**
 * Runs a tool body: expected refusals become `isError` results with their message; anything else
 * is logged (to stderr, never stdout, which is the protocol) and reported without internals.
 * Every text that leaves passes the redactor.
 */
export async function guarded(redactor: () => Promise<Redactor>, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  let result: CallToolResult;
  try {
    result = await body();
  } catch (error) {
    if (error instanceof PathRefused || error instanceof ToolRefused || error instanceof SearchRefused) result = refused(error.message);
    else {
      process.stderr.write(`prod-audit mcp: tool failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      result = refused(`The tool failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // Without the target's known secrets (collection failed) the format patterns still apply.
  return redactResult(result, await redactor().catch(() => new Redactor()));
}

function redactResult(result: CallToolResult, redactor: Redactor): CallToolResult {
  const content = result.content.map((item) => (item.type === 'text' ? { ...item, text: redactor.redact(item.text) } : item));
  const structuredContent = result.structuredContent && (redactDeep(result.structuredContent, redactor) as Record<string, unknown>);
  return { ...result, content, ...(structuredContent ? { structuredContent } : {}) };
}

function redactDeep(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redactor));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redactor)]));
  return value;
}
