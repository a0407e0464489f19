import { useEffect, useState } from 'react';
import type { Conversation, Page } from '@carechat/protocol';
import { api } from '../api/http.js';
import { Transcript } from './Transcript.js';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * Every conversation by who and when, with counts and never a preview: listing is not
 * reading. A transcript opens only with a stated reason (break-glass), which the server keeps
 * on every read's audit row and shows to the patient and the doctor.
 */
export function AdminConversations() {
  const [q, setQ] = useState('');
  const [list, setList] = useState<Conversation[]>([]);
  const [open, setOpen] = useState<Conversation | null>(null);
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => {
      api<Page<Conversation>>(
        'GET',
        `/api/admin/conversations?limit=100${q ? `&q=${encodeURIComponent(q)}` : ''}`,
      ).then(
        (p) => setList(p.data),
        () => setList([]),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [q]);
  const handleChoose = (c: Conversation) => {
    setOpen(c);
    setConfirmed('');
  };
  return (
    <div className={open ? 'layout admin-layout thread-open' : 'layout admin-layout'}>
      <nav className="sidebar" aria-label="All conversations">
        <div className="sidebar-head">
          <input
            type="search"
            aria-label="Search conversations"
            placeholder="Search by name"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <ul className="conversation-list">
          {list.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className={open?.id === c.id ? 'conversation active' : 'conversation'}
                onClick={() => handleChoose(c)}
              >
                <span className="conversation-main">
                  <span className="name">
                    {c.patient.name} · {c.doctor.name}
                  </span>
                  <span className="muted small">
                    {c.lastMessageAt ? `Last activity ${new Date(c.lastMessageAt).toLocaleString()}` : 'No messages'}
                  </span>
                  {c.counts && (
                    <span className="muted small conversation-counts">
                      {[
                        count(c.counts.messages, 'message'),
                        count(c.counts.attachments, 'file'),
                        `${c.counts.edited} edited`,
                        `${c.counts.deleted} deleted`,
                      ].join(' · ')}
                    </span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {open && !confirmed ? (
        <section className="thread empty">
          <form
            className="reason-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (reason.trim()) setConfirmed(reason.trim());
            }}
          >
            <button type="button" className="back link" onClick={() => setOpen(null)}>
              ← Conversations
            </button>
            <label htmlFor="access-reason">Reason for opening this conversation</label>
            <input
              id="access-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="e.g. complaint #123 review"
              required
            />
            <p className="muted small">
              The reason, your name and the time are recorded and shown to the patient and the doctor.
            </p>
            <button type="submit">Open transcript</button>
          </form>
        </section>
      ) : open ? (
        <Transcript
          key={`${open.id}:${confirmed}`}
          conversation={open}
          reason={confirmed}
          onBack={() => setOpen(null)}
        />
      ) : (
        <section className="thread empty muted">Choose a conversation to read its transcript.</section>
      )}
    </div>
  );
}
