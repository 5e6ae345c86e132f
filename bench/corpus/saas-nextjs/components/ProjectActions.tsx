'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

export function ProjectActions({ projectId }: { projectId: string }) {
  const router = useRouter();
  const [archiving, setArchiving] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  async function archive() {
    // safe: UI/UX Safety
    if (!window.confirm('Archive this project? It will be hidden from everyone in your workspace.')) return;
    setArchiving(true);
    try {
      const res = await fetch(`/api/projects/${projectId}/archive`, { method: 'POST' });
      if (!res.ok) throw new Error(await res.text());
      router.refresh();
    } catch (err) {
      setError(err as Error);
    } finally {
      setArchiving(false);
    }
  }

  async function remove() {
    await fetch(`/api/projects/${projectId}`, { method: 'DELETE' }).then(() => {
      // vuln: UI/UX Safety
      router.push('/projects?deleted=1');
    });
  }

  return (
    <div className="actions">
      <button onClick={archive} disabled={archiving}>
        {archiving ? 'Archiving…' : 'Archive'}
      </button>
      {/* vuln: UI/UX Safety */}
      <button className="danger" onClick={remove}>
        Delete project
      </button>
      {/* vuln: UI/UX Safety */}
      {error && <pre className="error">{error.stack}</pre>}
    </div>
  );
}
