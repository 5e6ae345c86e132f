import dbConnect from '../../../lib/db';
import { TutorProfile, Booking } from '../../../lib/models';
import { withAuth } from '../../../lib/withAuth';

const updateProfile = withAuth(async (req, res) => {
  const profile = await TutorProfile.findById(req.query.id);
  if (!profile) return res.status(404).json({ error: 'Not found' });
  // safe: Permissions
  if (String(profile.user) !== req.user.id && req.user.role !== 'admin') {
    return res.status(403).json({ error: 'Not your profile' });
  }
  // vuln: Permissions
  Object.assign(profile, req.body);
  await profile.save();
  return res.json(profile);
});

export default async function handler(req, res) {
  await dbConnect();
  const { id } = req.query;

  if (req.method === 'GET') {
    const profile = await TutorProfile.findOne({ _id: id, published: true }).populate('user', 'name avatarUrl').lean();
    if (!profile) return res.status(404).json({ error: 'Not found' });
    // safe: Throughput
    const reviews = await Booking.find({ tutor: profile.user._id, status: 'completed', review: { $exists: true } })
      .sort({ completedAt: -1 })
      .limit(20)
      .select('review rating completedAt')
      .lean();
    return res.json({ profile, reviews });
  }

  if (req.method === 'PUT') return updateProfile(req, res);

  res.setHeader('Allow', 'GET, PUT');
  return res.status(405).end();
}
