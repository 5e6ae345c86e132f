import { useState } from 'react';

interface ChatMessage {
  _id: string;
  authorId: string;
  body: string;
  pending?: boolean;
}

async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem('token')}` } });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

export function RoomView({ roomId, me, initial }: { roomId: string; me: string; initial: ChatMessage[] }) {
  const [messages, setMessages] = useState(initial);
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function send() {
    const clientMessageId = crypto.randomUUID();
    const text = draft;
    setSending(true);
    setMessages((m) => [...m, { _id: clientMessageId, authorId: me, body: text, pending: true }]);
    try {
      const saved = await api<ChatMessage>(`/api/rooms/${roomId}/messages`, { method: 'POST', body: JSON.stringify({ text, clientMessageId }) });
      setMessages((m) => m.map((x) => (x._id === clientMessageId ? saved : x)));
      setDraft('');
    } catch {
      // safe: UI/UX Safety
      setMessages((m) => m.map((x) => (x._id === clientMessageId ? { ...x, pending: false, body: `${x.body} (not sent — tap to retry)` } : x)));
    } finally {
      setSending(false);
    }
  }

  async function remove(id: string) {
    // vuln: UI/UX Safety
    setMessages((m) => m.filter((x) => x._id !== id));
    // vuln: Code Quality
    api(`/api/messages/${id}`, { method: 'DELETE' });
  }

  async function leaveRoom() {
    // safe: UI/UX Safety
    if (!window.confirm('Leave this room? You will need a new invite to come back.')) return;
    try {
      await api(`/api/rooms/${roomId}/leave`, { method: 'POST' });
      window.location.assign('/rooms');
    } catch (err) {
      // vuln: UI/UX Safety
      setError(String(err));
    }
  }

  return (
    <section>
      {error && <p role="alert">{error}</p>}
      <ul>
        {messages.map((m) => (
          <li key={m._id} className={m.pending ? 'pending' : undefined}>
            {m.body}
            {m.authorId === me && <button onClick={() => remove(m._id)}>Delete</button>}
          </li>
        ))}
      </ul>
      <textarea value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={4000} />
      {/* safe: UI/UX Safety */}
      <button onClick={send} disabled={sending || draft.trim() === ''}>Send</button>
      <button onClick={leaveRoom}>Leave room</button>
    </section>
  );
}
