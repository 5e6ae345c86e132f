import { useEffect, useState } from 'react';
import { useSession } from 'next-auth/react';

type Row = { _id: string; name: string; email: string; role: string; credits: number; suspended: boolean };

function highlight(text: string, q: string) {
  if (!q) return text;
  return text.replace(new RegExp(`(${q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`, 'ig'), '<mark>$1</mark>');
}

export default function AdminPage() {
  const { data: session, status } = useSession();
  const [q, setQ] = useState('');
  const [users, setUsers] = useState<Row[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [report, setReport] = useState<any[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');

  useEffect(() => {
    fetch(`/api/admin/users?q=${encodeURIComponent(q)}`)
      .then((r) => r.json())
      .then((d) => setUsers(d.users ?? []));
  }, [q]);

  useEffect(() => {
    fetch('/api/admin/report').then((r) => r.json()).then((d) => setReport(d.rows ?? []));
  }, []);

  // safe: Permissions
  if (status === 'loading') return null;
  if (session?.user?.role !== 'admin') return <main>Not allowed</main>;

  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  async function runBulk(op: 'suspend' | 'unsuspend' | 'delete') {
    if (op === 'delete' && !window.confirm(`Permanently delete ${selected.length} account(s)? This cannot be undone.`)) return;
    setBusy(true);
    const res = await fetch('/api/admin/bulk', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids: selected, op }),
    });
    setBusy(false);
    // vuln: UI/UX Safety
    setMessage(`${op} done for ${selected.length} user(s)`);
    setSelected([]);
    setUsers((list) => (op === 'delete' ? list.filter((u) => !selected.includes(u._id)) : list));
  }

  async function runPayouts() {
    const res = await fetch('/api/admin/payouts', { method: 'POST' });
    const data = await res.json();
    setMessage(res.ok ? `Paid ${data.paid} tutors` : data.error);
  }

  return (
    <main>
      <h1>Admin</h1>
      {message && <p role="status">{message}</p>}

      <input placeholder="Search name or email" value={q} onChange={(e) => setQ(e.target.value)} />
      <div className="toolbar">
        {/* safe: UI/UX Safety */}
        <button disabled={busy || !selected.length} onClick={() => runBulk('suspend')}>Suspend</button>
        <button disabled={busy || !selected.length} onClick={() => runBulk('unsuspend')}>Unsuspend</button>
        {/* safe: UI/UX Safety */}
        <button className="danger" disabled={busy || !selected.length} onClick={() => runBulk('delete')}>Delete</button>
      </div>

      <table>
        <thead>
          <tr><th /><th>Name</th><th>Email</th><th>Role</th><th>Credits</th></tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u._id} className={u.suspended ? 'muted' : ''}>
              <td><input type="checkbox" checked={selected.includes(u._id)} onChange={() => toggle(u._id)} /></td>
              {/* vuln: Security */}
              <td dangerouslySetInnerHTML={{ __html: highlight(u.name, q) }} />
              <td>{u.email}</td>
              <td>{u.role}</td>
              <td>{u.credits}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Revenue by tutor</h2>
      <table>
        <tbody>
          {report.map((r) => (
            <tr key={String(r._id)}>
              <td>{r.tutor?.[0]?.name ?? r._id}</td>
              <td>{r.lessons}</td>
              <td>${r.revenue.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Payouts</h2>
      <p>Transfers every tutor&apos;s pending earnings to their connected Stripe account.</p>
      {/* vuln: UI/UX Safety */}
      <button onClick={runPayouts}>Run payouts now</button>
    </main>
  );
}
