import { useCallback, useEffect, useState } from 'react';
import type { Conversation, TranscriptPage } from '@carechat/protocol';
import { api } from '../api/http.js';
import { ConversationActions } from './ConversationActions.js';
import { TranscriptEntry } from './TranscriptEntry.js';
import { EMPTY_WINDOW, pageQuery, withPage, type PageRequest, type TranscriptWindow } from './transcript-window.js';

/**
 * The complete transcript of one conversation, paged both ways by seq, with a jump to a date.
 * Each page is read with the admin's reason, which the server keeps on the page's audit row.
 */
export function Transcript({
  conversation,
  reason,
  onBack,
}: {
  conversation: Conversation;
  reason: string;
  onBack: () => void;
}) {
  const [view, setView] = useState<TranscriptWindow>(EMPTY_WINDOW);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [date, setDate] = useState('');
  /** Reads the page `r` asks for next to `from`, the window on screen when it was asked, and shows it. */
  const showPage = useCallback(
    (r: PageRequest, from: TranscriptWindow) => {
      const query = [pageQuery(from, r), `reason=${encodeURIComponent(reason)}`].filter(Boolean).join('&');
      return api<TranscriptPage>('GET', `/api/admin/conversations/${conversation.id}/transcript?${query}`)
        .then(
          (page) => {
            setView((w) => withPage(w, r, page, conversation.lastSeq));
            setError(null);
          },
          (e: Error) => setError(e.message),
        )
        .finally(() => setLoading(false));
    },
    [conversation.id, conversation.lastSeq, reason],
  );
  // The parent keys this component by conversation and reason: each starts empty, at the newest page.
  useEffect(() => void showPage({ kind: 'newest' }, EMPTY_WINDOW), [showPage]);
  // The buttons are disabled while a page loads, so `view` is the window the page joins.
  const handlePage = (r: PageRequest) => {
    setLoading(true);
    void showPage(r, view);
  };
  const handleJump = (e: React.FormEvent) => {
    e.preventDefault();
    // The start of that day where the admin is.
    if (date) handlePage({ kind: 'at', at: new Date(`${date}T00:00:00`).toISOString() });
  };
  return (
    <section className="thread transcript" aria-label="Transcript">
      <header className="thread-head">
        <button type="button" className="back link" onClick={onBack}>
          ← Conversations
        </button>
        <h2>
          {conversation.patient.name} · {conversation.doctor.name}
        </h2>
      </header>
      <p className="admin-banner" role="note">
        Audited access: your reading of this conversation is recorded with your reason, “{reason}”.
      </p>
      <ConversationActions conversation={conversation} reason={reason} />
      <div className="transcript-controls">
        <button type="button" onClick={() => handlePage({ kind: 'first' })} disabled={loading}>
          From the first
        </button>
        <button type="button" onClick={() => handlePage({ kind: 'newest' })} disabled={loading}>
          Newest
        </button>
        <form className="row" onSubmit={handleJump}>
          <label htmlFor="transcript-date" className="small">
            Jump to date
          </label>
          <input id="transcript-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
          <button type="submit" disabled={loading}>
            Go
          </button>
        </form>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="messages">
        {view.hasEarlier && (
          <button
            type="button"
            className="page-more"
            onClick={() => handlePage({ kind: 'earlier' })}
            disabled={loading}
          >
            Earlier messages
          </button>
        )}
        {!loading && view.messages.length === 0 && !error && <p className="muted">No messages.</p>}
        <ol>
          {view.messages.map((m) => (
            <TranscriptEntry key={m.id} m={m} conversation={conversation} reason={reason} />
          ))}
        </ol>
        {view.hasLater && (
          <button type="button" className="page-more" onClick={() => handlePage({ kind: 'later' })} disabled={loading}>
            Later messages
          </button>
        )}
      </div>
    </section>
  );
}
