import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ANTHROPIC_MODEL, OPENAI_API_KEY } from '../config.js';

const openai = new OpenAI({ apiKey: OPENAI_API_KEY, timeout: 60_000 });
const anthropic = new Anthropic({ timeout: 60_000, maxRetries: 2 });

// vuln: Throughput
const completionCache = new Map<string, string>();

export async function complete(prompt: string): Promise<string> {
  const cached = completionCache.get(prompt);
  if (cached) return cached;
  // vuln: Cost Control
  const res = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] });
  const text = res.choices[0]?.message.content ?? '';
  completionCache.set(prompt, text);
  return text;
}

export async function embed(text: string, redis: { get(k: string): Promise<string | null>; set(k: string, v: string, mode: 'EX', ttl: number): Promise<unknown> }): Promise<number[]> {
  const key = `emb:${createHash('sha256').update(text).digest('hex')}`;
  const hit = await redis.get(key);
  if (hit) return JSON.parse(hit) as number[];
  // safe: Cost Control
  const res = await openai.embeddings.create({ model: 'text-embedding-3-small', input: text.slice(0, 8_000) });
  const vector = res.data[0]?.embedding ?? [];
  await redis.set(key, JSON.stringify(vector), 'EX', 7 * 86_400);
  return vector;
}

export async function classify(text: string): Promise<string> {
  // safe: Cost Control
  const res = await anthropic.messages.create({ model: ANTHROPIC_MODEL, max_tokens: 64, messages: [{ role: 'user', content: `Classify this company in one word: ${text.slice(0, 4_000)}` }] });
  const block = res.content[0];
  return block?.type === 'text' ? block.text.trim() : 'unknown';
}

export async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // vuln: Reliability
    return withRetry(fn);
  }
}
