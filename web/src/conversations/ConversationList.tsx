import { useEffect, useState } from 'react';
import type { Conversation, Participant } from '@carechat/protocol';
import { relativeTime } from '../chat/logic.js';
import type { ChatStore } from '../chat/store.js';
import { useChat } from '../chat/useChat.js';
import { Avatar } from '../components/Avatar.js';

export const peerOf = (c: Conversation, myId: string) => (c.patient.id === myId ? c.doctor : c.patient);

export function ConversationList({ store }: { store: ChatStore }) {
  const state = useChat(store);
  const [q, setQ] = useState('');
  const [picking, setPicking] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => void store.loadConversations(q, state.archivedView), 200);
    return () => clearTimeout(timer);
  }, [q, state.archivedView, store]);

  const list = store.listConversations();
  return (
    <nav className="sidebar" aria-label="Conversations">
      <div className="sidebar-head">
        <input type="search" aria-label="Search conversations" placeholder="Search" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="button" onClick={() => setPicking(true)}>
          New conversation
        </button>
      </div>
      <div className="tabs" role="group" aria-label="Show">
        <button type="button" aria-pressed={!state.archivedView} onClick={() => void store.loadConversations(q, false)}>
          Active
        </button>
        <button type="button" aria-pressed={state.archivedView} onClick={() => void store.loadConversations(q, true)}>
          Archived
        </button>
      </div>
      {picking && <ContactPicker store={store} onClose={() => setPicking(false)} />}
      <ul className="conversation-list">
        {list.length === 0 && <li className="muted empty">{state.archivedView ? 'No archived conversations.' : 'No conversations yet.'}</li>}
        {list.map((c) => {
          const peer = peerOf(c, state.me.id);
          return (
            <li key={c.id}>
              <button
                type="button"
                className={c.id === state.openId ? 'conversation active' : 'conversation'}
                aria-current={c.id === state.openId ? 'true' : undefined}
                onClick={() => void store.open(c.id)}
              >
                <Avatar name={peer.name} online={peer.online} />
                <span className="conversation-main">
                  <span className="row">
                    <span className="name">
                      {peer.name} <span className="muted small role">{roleLabel(peer)}</span>
                    </span>
                    {c.lastMessageAt && <time className="muted small">{relativeTime(c.lastMessageAt)}</time>}
                  </span>
                  <span className="row">
                    <span className="preview muted">{c.lastMessage?.preview ?? 'No messages yet'}</span>
                    {c.unreadCount > 0 && (
                      <span className="badge" aria-label={`${c.unreadCount} unread`}>
                        {c.unreadCount}
                      </span>
                    )}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export const roleLabel = (p: Pick<Participant, 'role' | 'designation'>) => p.designation || (p.role === 'DOCTOR' ? 'Doctor' : 'Patient');

function ContactPicker({ store, onClose }: { store: ChatStore; onClose: () => void }) {
  const [contacts, setContacts] = useState<{ data: Participant[]; hasMore: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A doctor may have more patients than one page (200 by name): the rest are found by name.
  const [q, setQ] = useState('');
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      store.contacts(q.trim()).then(
        (r) => current && setContacts(r),
        (e: Error) => current && setError(e.message),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, store]);
  const handlePick = async (id: string) => {
    try {
      await store.open(await store.startConversation(id));
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="picker" role="dialog" aria-label="New conversation">
      <div className="row">
        <strong>Start a conversation</strong>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
      <input type="search" aria-label="Search people" placeholder="Search by name" value={q} onChange={(e) => setQ(e.target.value)} />
      {error && <p role="alert" className="error">{error}</p>}
      {contacts?.data.length === 0 &&
        (q.trim() ? (
          <p className="muted">Nobody by that name shares an appointment with you.</p>
        ) : (
          <p className="muted">You can message people you share an appointment with. There is nobody yet.</p>
        ))}
      {contacts?.hasMore && <p className="muted small">Showing the first {contacts.data.length} by name: search to find anyone else.</p>}
      <ul>
        {contacts?.data.map((p) => (
          <li key={p.id}>
            <button type="button" className="conversation" onClick={() => void handlePick(p.id)}>
              <Avatar name={p.name} online={p.online} />
              <span className="conversation-main">
                <span className="name">{p.name}</span>
                <span className="muted small">{roleLabel(p)}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
