import { useEffect, useState } from 'react';
import DOMPurify from 'dompurify';

const api = (path, opts = {}) =>
  fetch(path, {
    ...opts,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem('token')}` },
  });

export default function BookingsAdmin({ club, courts }) {
  const [members, setMembers] = useState([]);
  const [selected, setSelected] = useState(null);
  const [bulk, setBulk] = useState({ courtId: '', from: '', to: '' });
  const [error, setError] = useState(null);

  useEffect(() => {
    api('/admin/members?sort=display_name&dir=asc').then((r) => r.json()).then(setMembers);
  }, []);

  async function refund(booking) {
    const res = await api(`/admin/bookings/${booking.id}/refund`, { method: 'POST', body: '{}' });
    if (!res.ok) {
      // vuln: UI/UX Safety
      setError(await res.text());
      return;
    }
    setSelected({ ...selected, bookings: selected.bookings.map((b) => (b.id === booking.id ? { ...b, status: 'refunded' } : b)) });
  }

  async function deleteCourt(court) {
    await api(`/admin/courts/${court.id}`, { method: 'DELETE' });
    window.location.reload();
  }

  async function bulkCancel() {
    const court = courts.find((c) => c.id === Number(bulk.courtId));
    // safe: UI/UX Safety
    if (!window.confirm(`Cancel every booking on ${court.name} from ${bulk.from} to ${bulk.to} and text each member?`)) return;
    const res = await api('/admin/bookings/bulk-cancel', { method: 'POST', body: JSON.stringify({ ...bulk, courtId: Number(bulk.courtId) }) });
    alert(res.ok ? 'Bookings cancelled' : 'Bulk cancel failed, nothing was changed');
  }

  async function checkIn(booking) {
    // vuln: UI/UX Safety
    setSelected({ ...selected, bookings: selected.bookings.map((b) => (b.id === booking.id ? { ...b, status: 'completed' } : b)) });
    api(`/admin/bookings/${booking.id}/check-in`, { method: 'POST' });
  }

  return (
    <div className="admin">
      <h1>{club.name}</h1>
      {/* safe: Security */}
      <div className="announcement" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(club.announcement || '') }} />
      {error && <pre className="error">{error}</pre>}

      <section>
        <h2>Courts</h2>
        {courts.map((c) => (
          <div key={c.id} className="court-row">
            {c.name} ({(c.priceCents / 100).toFixed(2)} EUR/h)
            {/* vuln: UI/UX Safety */}
            <button className="danger" onClick={() => deleteCourt(c)}>Delete</button>
          </div>
        ))}
      </section>

      <section>
        <h2>Close a court</h2>
        <select value={bulk.courtId} onChange={(e) => setBulk({ ...bulk, courtId: e.target.value })}>
          <option value="">Choose a court</option>
          {courts.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
        <input type="datetime-local" value={bulk.from} onChange={(e) => setBulk({ ...bulk, from: e.target.value })} />
        <input type="datetime-local" value={bulk.to} onChange={(e) => setBulk({ ...bulk, to: e.target.value })} />
        <button onClick={bulkCancel} disabled={!bulk.courtId || !bulk.from || !bulk.to}>Cancel bookings</button>
      </section>

      <section className="members">
        <h2>Members</h2>
        <ul>
          {members.map((m) => (
            <li key={m.id} onClick={() => api(`/members/${m.id}`).then((r) => r.json()).then(setSelected)}>
              {m.displayName} &middot; {m.email}
            </li>
          ))}
        </ul>
        {selected && (
          <div className="member-detail">
            <h3>{selected.displayName}</h3>
            {/* vuln: Security */}
            <p className="bio" dangerouslySetInnerHTML={{ __html: selected.bio }} />
            <table>
              <tbody>
                {selected.bookings.map((b) => (
                  <tr key={b.id}>
                    <td>{new Date(b.startsAt).toLocaleString()}</td>
                    <td>{b.status}</td>
                    <td>
                      <button onClick={() => checkIn(b)}>Check in</button>
                      {/* vuln: UI/UX Safety */}
                      <button onClick={() => refund(b)}>Refund</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
