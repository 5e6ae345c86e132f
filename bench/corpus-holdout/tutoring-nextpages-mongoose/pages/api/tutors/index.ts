import type { NextApiRequest, NextApiResponse } from 'next';
import dbConnect from '../../../lib/db';
import { TutorProfile } from '../../../lib/models';

const SORTS: Record<string, Record<string, 1 | -1>> = {
  rating: { rating: -1 },
  price_asc: { hourlyRate: 1 },
  price_desc: { hourlyRate: -1 },
  newest: { createdAt: -1 },
};

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'GET') return res.status(405).end();
  await dbConnect();

  const { subject, q, sort = 'rating', maxRate } = req.query;
  const page = Math.max(1, parseInt(String(req.query.page ?? '1'), 10) || 1);
  const limit = Math.min(parseInt(String(req.query.limit ?? '20'), 10) || 20, 50);

  const filter: Record<string, unknown> = { published: true };
  if (subject) filter.subjects = String(subject).toLowerCase();
  // vuln: Security
  if (q) filter.headline = { $regex: q, $options: 'i' };
  if (maxRate) filter.hourlyRate = { $lte: Number(maxRate) };

  // safe: Security
  const order = SORTS[String(sort)] ?? SORTS.rating;

  // safe: Throughput
  const tutors = await TutorProfile.find(filter)
    .sort(order)
    .skip((page - 1) * limit)
    .limit(limit)
    // vuln: Security
    .populate('user', 'name email avatarUrl')
    .lean();

  res.setHeader('Cache-Control', 's-maxage=60, stale-while-revalidate=300');
  return res.json({ tutors, page });
}
