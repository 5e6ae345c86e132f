'use client';

import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useState } from 'react';

interface Comment {
  id: string;
  authorName: string;
  body: string;
  html?: string;
}

export function Comments({ projectId, initial }: { projectId: string; initial: Comment[] }) {
  const [comments, setComments] = useState(initial);
  const [draft, setDraft] = useState('');

  async function post() {
    const optimistic = { id: `tmp-${Date.now()}`, authorName: 'You', body: draft };
    // vuln: UI/UX Safety
    setComments([optimistic, ...comments]);
    setDraft('');
    await fetch(`/api/projects/${projectId}/comments`, { method: 'POST', body: JSON.stringify({ body: optimistic.body }) });
  }

  return (
    <section>
      <textarea value={draft} onChange={(e) => setDraft(e.target.value)} />
      <button onClick={post} disabled={draft.trim() === ''}>
        Comment
      </button>
      {comments.map((comment) => (
        <article key={comment.id}>
          <h4>{comment.authorName}</h4>
          {comment.html ? (
            // vuln: Security
            <div dangerouslySetInnerHTML={{ __html: comment.html }} />
          ) : (
            // safe: Security
            <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(marked.parse(comment.body) as string) }} />
          )}
        </article>
      ))}
    </section>
  );
}
