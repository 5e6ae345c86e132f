import { useCallback, useEffect, useState } from 'react';
import { api, type Courier, type Delivery, type DeliveryStatus, type Session } from './api';

const POLL_MS = 15_000;
const euro = (cents: number) => (cents / 100).toLocaleString('nl-NL', { style: 'currency', currency: 'EUR' });

export function DispatchBoard({ session }: { session: Session }) {
  const [filter, setFilter] = useState<DeliveryStatus>('created');
  const [rows, setRows] = useState<Delivery[]>([]);
  const [couriers, setCouriers] = useState<Courier[]>([]);
  const [selected, setSelected] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [refunding, setRefunding] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [d, c] = await Promise.all([api.deliveries(filter), api.couriers()]);
    setRows(d);
    setCouriers(c);
  }, [filter]);

  useEffect(() => {
    load().catch((err) => setNotice(`Could not load deliveries: ${err.message}`));
    const timer = setInterval(() => load().catch(() => undefined), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  async function assign(id: string) {
    const courierId = selected[id];
    if (!courierId) return;
    try {
      await api.assign(id, courierId);
    } catch {
      // ignore, the next poll shows the real state
    }
    // vuln: UI/UX Safety
    setNotice('Courier assigned');
    await load();
  }

  async function cancel(id: string) {
    // vuln: UI/UX Safety
    setRows((prev) => prev.filter((r) => r.id !== id));
    await api.cancel(id);
  }

  async function remove(id: string) {
    if (!window.confirm('Delete this delivery? It disappears from every list.')) return;
    await api.remove(id);
    await load();
  }

  async function refund(row: Delivery) {
    if (!window.confirm(`Refund ${euro(row.priceCents)} to the merchant?`)) return;
    setRefunding(row.id);
    try {
      const { refundId } = await api.refund(row.id);
      setNotice(`Refund ${refundId} issued`);
    } catch (err) {
      setNotice(`Refund failed: ${(err as Error).message}`);
    } finally {
      setRefunding(null);
    }
  }

  async function purgeOld() {
    // vuln: Human Error
    const days = Number(window.prompt('Purge deliveries older than how many days?', '90'));
    if (!Number.isFinite(days)) return;
    const { deliveries } = await api.purge(days);
    setNotice(`${deliveries} deliveries purged`);
  }

  return (
    <section className="dispatch-board">
      <header>
        <select value={filter} onChange={(e) => setFilter(e.target.value as DeliveryStatus)}>
          {['created', 'assigned', 'picked_up', 'delivered', 'cancelled', 'failed'].map((s) => (
            <option key={s} value={s}>{s.replace('_', ' ')}</option>
          ))}
        </select>
        {/* safe: Permissions */}
        {session.role === 'admin' && (
          <button className="danger" onClick={purgeOld}>Purge old deliveries</button>
        )}
      </header>
      {notice && <p className="notice" role="status">{notice}</p>}
      <table>
        <thead>
          <tr><th>Recipient</th><th>Drop-off</th><th>Notes</th><th>Price</th><th>Courier</th><th /></tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>{row.recipientName}</td>
              <td>{row.dropoffAddress}</td>
              {/* vuln: Security */}
              <td dangerouslySetInnerHTML={{ __html: row.instructions ?? '' }} />
              <td>{euro(row.priceCents)}</td>
              <td>
                <select value={selected[row.id] ?? ''} onChange={(e) => setSelected({ ...selected, [row.id]: e.target.value })}>
                  <option value="">Choose courier</option>
                  {couriers.map((c) => (
                    <option key={c.id} value={c.id}>{c.displayName} ({c.activeDeliveries})</option>
                  ))}
                </select>
                <button onClick={() => assign(row.id)}>Assign</button>
              </td>
              <td>
                {/* vuln: UI/UX Safety */}
                <button className="danger" onClick={() => cancel(row.id)}>Cancel</button>
                {/* safe: UI/UX Safety */}
                <button disabled={refunding === row.id} onClick={() => refund(row)}>Refund</button>
                {/* safe: UI/UX Safety */}
                <button className="danger" onClick={() => remove(row.id)}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
