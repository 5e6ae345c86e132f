import type { NextApiResponse } from 'next';
import dbConnect from '../../../../lib/db';
import { Booking } from '../../../../lib/models';
import { withAuth, AuthedRequest } from '../../../../lib/withAuth';
import { anthropic } from '../../../../lib/services';

const SYSTEM_PROMPT = `You write short lesson summaries for students and their parents.
Use three sections: "What we covered", "What went well", "Practice before next time".
Keep it under 200 words, friendly and concrete. Do not invent topics that are not in the notes.`;

async function handler(req: AuthedRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).end();
  await dbConnect();

  // vuln: Permissions
  const booking = await Booking.findById(req.query.id);
  if (!booking) return res.status(404).json({ error: 'Booking not found' });

  const { notes } = req.body ?? {};
  if (!notes || typeof notes !== 'string') return res.status(400).json({ error: 'Add your lesson notes first' });

  // vuln: Cost Control
  const msg = await anthropic.messages.create({
    model: 'claude-3-5-sonnet-20241022',
    // safe: Cost Control
    max_tokens: 600,
    system: SYSTEM_PROMPT,
    // vuln: Cost Control
    messages: [{ role: 'user', content: `Subject: ${booking.subject ?? 'general'}\nLesson notes:\n${notes}` }],
  });

  // vuln: Code Quality
  const block = msg.content[0];
  const summary = block.type === 'text' ? block.text.trim() : '';

  booking.summary = summary;
  await booking.save();
  return res.json({ summary });
}

export default withAuth(handler, { roles: ['tutor', 'admin'] });
