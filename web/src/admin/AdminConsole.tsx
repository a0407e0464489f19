import { useEffect, useState } from 'react';
import type { AuditEvent, Conversation, Message, MessagePage, Page, User } from '@carechat/protocol';
import { api } from '../api/http.js';
import { TwoFactorPanel } from '../auth/TwoFactorPanel.js';

/**
 * Admins read conversations for audit; they never take part. Every transcript read is
 * recorded by the server, and the console says so where the content is shown.
 */
export function AdminConsole({ me, onSignOut, onMfaChanged }: { me: User; onSignOut: () => void; onMfaChanged: () => void }) {
  const [tab, setTab] = useState<'conversations' | 'audit'>('conversations');
  const [twoFactorOpen, setTwoFactorOpen] = useState(false);
  const handleSignOut = async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    onSignOut();
  };
  return (
    <div className="admin">
      <header className="topbar">
        <strong>CareChat admin</strong>
        <span className="muted small">{me.name}</span>
        <div className="tabs" role="group" aria-label="Admin views">
          <button type="button" aria-pressed={tab === 'conversations'} onClick={() => setTab('conversations')}>
            Conversations
          </button>
          <button type="button" aria-pressed={tab === 'audit'} onClick={() => setTab('audit')}>
            Audit log
          </button>
        </div>
        <button type="button" className="link" onClick={() => setTwoFactorOpen((o) => !o)} aria-expanded={twoFactorOpen}>
          Two-factor sign-in
        </button>
        <button type="button" className="link" onClick={() => void handleSignOut()}>
          Sign out
        </button>
      </header>
      {twoFactorOpen && <TwoFactorPanel onClose={() => setTwoFactorOpen(false)} onChanged={onMfaChanged} />}
      {tab === 'conversations' ? <AdminConversations /> : <AuditLog />}
    </div>
  );
}

function AdminConversations() {
  const [q, setQ] = useState('');
  const [list, setList] = useState<Conversation[]>([]);
  const [open, setOpen] = useState<Conversation | null>(null);
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState('');
  const [messages, setMessages] = useState<Message[]>([]);
  useEffect(() => {
    const timer = setTimeout(() => {
      api<Page<Conversation>>('GET', `/api/admin/conversations?limit=100${q ? `&q=${encodeURIComponent(q)}` : ''}`).then((p) => setList(p.data), () => setList([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [q]);
  // Break-glass: the transcript loads only with a stated reason, which the audit row keeps.
  useEffect(() => {
    if (open && confirmed)
      api<MessagePage>('GET', `/api/admin/conversations/${open.id}/messages?limit=100&reason=${encodeURIComponent(confirmed)}`).then(
        (p) => setMessages(p.data),
        () => setMessages([]),
      );
  }, [open, confirmed]);
  const choose = (c: Conversation) => {
    setOpen(c);
    setConfirmed('');
    setMessages([]);
  };
  return (
    <div className="layout admin-layout">
      <nav className="sidebar" aria-label="All conversations">
        <div className="sidebar-head">
          <input type="search" aria-label="Search conversations" placeholder="Search by name" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <ul className="conversation-list">
          {list.map((c) => (
            <li key={c.id}>
              <button type="button" className={open?.id === c.id ? 'conversation active' : 'conversation'} onClick={() => choose(c)}>
                <span className="conversation-main">
                  <span className="name">
                    {c.patient.name} · {c.doctor.name}
                  </span>
                  <span className="muted small">{c.lastMessageAt ? new Date(c.lastMessageAt).toLocaleString() : 'No messages'}</span>
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
            <label htmlFor="access-reason">Reason for opening this conversation</label>
            <input id="access-reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. complaint #123 review" required />
            <p className="muted small">The reason, your name and the time are recorded and shown to the patient and the doctor.</p>
            <button type="submit">Open transcript</button>
          </form>
        </section>
      ) : open ? (
        <section className="thread" aria-label="Transcript">
          <p className="admin-banner" role="note">
            Audited access: your reading of this conversation is recorded.
          </p>
          <div className="messages">
            <ol>
              {messages.map((m) => (
                <li key={m.id} className={m.senderId === open.doctor.id ? 'message mine' : 'message'}>
                  <div className="bubble">
                    <p className="small muted">{m.senderId === open.doctor.id ? open.doctor.name : open.patient.name}</p>
                    {m.deletedAt ? <p className="deleted muted">Deleted</p> : <p className="text">{m.content}</p>}
                    <p className="meta muted small">
                      {new Date(m.createdAt).toLocaleString()}
                      {m.editedAt ? ' · edited' : ''}
                    </p>
                  </div>
                </li>
              ))}
            </ol>
          </div>
        </section>
      ) : (
        <section className="thread empty muted">Choose a conversation to read its transcript.</section>
      )}
    </div>
  );
}

function AuditLog() {
  const [filters, setFilters] = useState({ actorId: '', action: '', conversationId: '' });
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
    api<Page<AuditEvent>>('GET', `/api/admin/audit?limit=200&${params}`).then(
      (p) => (setEvents(p.data), setError(null)),
      (e: Error) => setError(e.message),
    );
  }, [filters]);
  const field = (key: keyof typeof filters, label: string) => (
    <label className="small">
      {label} <input value={filters[key]} onChange={(e) => setFilters({ ...filters, [key]: e.target.value.trim() })} />
    </label>
  );
  return (
    <section className="audit" aria-label="Audit log">
      <div className="row filters">
        {field('actorId', 'Actor')}
        {field('action', 'Action')}
        {field('conversationId', 'Conversation')}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <table className="audit-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Conversation</th>
            <th>Outcome</th>
            <th>IP</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>
                {e.actorId} <span className="muted">({e.actorRole})</span>
              </td>
              <td>{e.action}</td>
              <td className="small">{e.conversationId ?? ''}</td>
              <td>{e.outcome}</td>
              <td className="small">{e.ip}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
