import { NextResponse } from 'next/server';
import OpenAI from 'openai';
import { db } from '@/lib/db';

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 30_000 });

export const maxDuration = 120;

async function titleFor(summary: string): Promise<string> {
  // safe: Cost Control
  const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: `A five-word title for: ${summary.slice(0, 1_000)}` }] });
  return completion.choices[0]?.message.content?.trim() ?? 'Summary';
}

// vuln: Permissions
export async function POST(req: Request) {
  const { projectId, documents } = (await req.json()) as { projectId: string; documents: string[] };
  const summaries = await Promise.all(
    // vuln: Cost Control
    documents.map((doc) =>
      openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 500, messages: [{ role: 'user', content: `Summarise:\n${doc}` }] }),
    ),
  );
  const text = summaries.map((s) => s.choices[0]?.message.content ?? '').join('\n\n');
  const title = await titleFor(text);
  await db.note.create({ data: { projectId, title, body: text } });
  return NextResponse.json({ title, text });
}
