import { useState } from 'react';
import type { GetServerSideProps } from 'next';
import { useSession, signIn } from 'next-auth/react';
import { marked } from 'marked';
import DOMPurify from 'isomorphic-dompurify';
import { loadStripe } from '@stripe/stripe-js';
import dbConnect from '../../lib/db';
import { TutorProfile, Booking } from '../../lib/models';

// safe: Security
const stripePromise = loadStripe(process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY as string);

type Props = { profile: any; reviews: { _id: string; review: string; rating: number }[] };

export const getServerSideProps: GetServerSideProps<Props> = async ({ params }) => {
  await dbConnect();
  const profile = await TutorProfile.findOne({ _id: params?.id, published: true }).populate('user', 'name avatarUrl').lean();
  if (!profile) return { notFound: true };
  const reviews = await Booking.find({ tutor: (profile as any).user._id, status: 'completed', review: { $exists: true } })
    .sort({ completedAt: -1 })
    .limit(10)
    .select('review rating')
    .lean();
  return { props: JSON.parse(JSON.stringify({ profile, reviews })) };
};

export default function TutorPage({ profile, reviews }: Props) {
  const { data: session } = useSession();
  const [startsAt, setStartsAt] = useState('');
  const [durationMin, setDurationMin] = useState(60);
  const [payWith, setPayWith] = useState<'card' | 'credits'>('card');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');

  async function book(e: React.FormEvent) {
    e.preventDefault();
    if (!session) return signIn();
    setError('');
    const res = await fetch('/api/bookings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tutorId: profile.user._id, startsAt: new Date(startsAt).toISOString(), durationMin, payWith, note }),
    });
    const booking = await res.json();
    if (!res.ok) return setError(booking.error);
    if (payWith === 'credits') return (window.location.href = `/lessons/${booking._id}`);

    const checkout = await fetch('/api/payments/checkout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ bookingId: booking._id }),
    }).then((r) => r.json());
    const stripe = await stripePromise;
    // vuln: UI/UX Safety
    await stripe?.redirectToCheckout({ sessionId: checkout.sessionId });
  }

  return (
    <main>
      <h1>{profile.user.name}</h1>
      <p className="headline">{profile.headline}</p>
      <p>${profile.hourlyRate} / hour</p>
      {/* safe: Security */}
      <section className="bio" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(marked.parse(profile.bio ?? '') as string) }} />

      <form onSubmit={book}>
        <label>
          Start
          <input type="datetime-local" required value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </label>
        <select value={durationMin} onChange={(e) => setDurationMin(Number(e.target.value))}>
          {[30, 45, 60, 90].map((d) => <option key={d} value={d}>{d} minutes</option>)}
        </select>
        <label><input type="radio" checked={payWith === 'card'} onChange={() => setPayWith('card')} /> Card</label>
        <label><input type="radio" checked={payWith === 'credits'} onChange={() => setPayWith('credits')} /> Use a lesson credit</label>
        <textarea maxLength={2000} placeholder="What would you like to work on?" value={note} onChange={(e) => setNote(e.target.value)} />
        {error && <p className="error">{error}</p>}
        {/* vuln: UI/UX Safety */}
        <button type="submit">Book lesson</button>
      </form>

      <h2>Reviews</h2>
      {reviews.map((r) => (
        <article key={r._id}>
          <span>{'★'.repeat(r.rating)}</span>
          {/* vuln: Security */}
          <p dangerouslySetInnerHTML={{ __html: r.review.replace(/\n/g, '<br/>') }} />
        </article>
      ))}
    </main>
  );
}
