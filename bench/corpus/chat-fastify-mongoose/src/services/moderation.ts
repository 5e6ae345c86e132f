import OpenAI from 'openai';
import { Message } from '../models/message.js';

// safe: Reliability
const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 15_000, maxRetries: 2 });

export async function moderateText(text: string) {
  const result = await openai.moderations.create({ model: 'omni-moderation-latest', input: text.slice(0, 4000) });
  return { flagged: result.results[0]?.flagged ?? false, categories: result.results[0]?.categories };
}

/** Hides a message when the moderation endpoint flags it. */
export async function moderate(messageId: string, text: string): Promise<void> {
  const { flagged } = await moderateText(text);
  if (flagged) await Message.updateOne({ _id: messageId }, { deleted: true });
}

export async function suggestReplies(recent: string[]): Promise<string[]> {
  // vuln: Cost Control
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Suggest three short replies to the last message of this chat, one per line.' },
      { role: 'user', content: recent.join('\n') },
    ],
  });
  return (completion.choices[0]?.message.content ?? '').split('\n').filter(Boolean).slice(0, 3);
}
