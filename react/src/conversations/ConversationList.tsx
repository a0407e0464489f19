import { useEffect, useState } from 'react';
import { isClinician, opensConversations } from '@carechat/protocol';
import { typistsOf } from '@carechat/client';
import { peerOf, relativeTime, roleLabel, typingLabel, waitingFor } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';
import { Avatar } from '../components/Avatar.js';
import { ContactPicker } from './ContactPicker.js';
import { PendingAcks } from './PendingAcks.js';

/**
 * The person's conversations: a name search, the archive, unread counts, and a way to start one;
 * for clinicians also the needs-reply view (longest waiting first, each row saying how long).
 */
export function ConversationList() {
  const { client, strings: t, dateLocale } = useKit();
  const state = useChat();
  const [q, setQ] = useState('');
  const [picking, setPicking] = useState(false);
  const [pendingOpen, setPendingOpen] = useState(false);
  const [loadFailed, setLoadFailed] = useState(false);

  // Every load (the search, the tabs) says when it failed, instead of leaving the last list as if current.
  const load = (query: string, archived: boolean, needsReply = false) => {
    setLoadFailed(false);
    client.loadConversations(query, archived, needsReply).catch(() => setLoadFailed(true));
  };
  // The search, as typing pauses, in the view last chosen (the client keeps it, also while a tab's
  // list is still loading: the applied view in the state would be one step behind).
  useEffect(() => {
    const timer = setTimeout(() => {
      setLoadFailed(false);
      client.loadConversations(q).catch(() => setLoadFailed(true));
    }, 200);
    return () => clearTimeout(timer);
  }, [q, client]);

  const clinician = isClinician(state.me.role);
  const triage = clinician && state.needsReplyView;
  const list = client.listConversations();
  return (
    <nav className="sidebar" aria-label={t.conversations}>
      <div className="sidebar-head">
        <input
          type="search"
          aria-label={t.searchConversations}
          placeholder={t.searchPlaceholder}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        {/* A care team's members answer in their doctors' conversations and open none (the server refuses). */}
        {opensConversations(state.me.role) && (
          <button type="button" onClick={() => setPicking(true)}>
            {t.newConversation}
          </button>
        )}
      </div>
      <div className="tabs" role="group" aria-label={t.show}>
        <button type="button" aria-pressed={!state.archivedView && !triage} onClick={() => load(q, false)}>
          {t.active}
        </button>
        {clinician && (
          <button type="button" aria-pressed={triage} onClick={() => load(q, false, true)}>
            {t.needsReply}
          </button>
        )}
        <button type="button" aria-pressed={state.archivedView && !triage} onClick={() => load(q, true)}>
          {t.archived}
        </button>
        {clinician && (
          <button type="button" aria-expanded={pendingOpen} onClick={() => setPendingOpen(!pendingOpen)}>
            {t.pendingAcksTitle}
          </button>
        )}
      </div>
      {loadFailed && (
        <p role="alert" className="error small list-error">
          {q ? t.searchConversationsFailed : t.conversationsFailed}
        </p>
      )}
      {pendingOpen && <PendingAcks onClose={() => setPendingOpen(false)} />}
      {picking && <ContactPicker onClose={() => setPicking(false)} />}
      <ul className="conversation-list">
        {list.length === 0 && (
          <li className="muted empty">
            {triage ? t.noneNeedReply : state.archivedView ? t.noArchived : t.noConversations}
          </li>
        )}
        {list.map((c) => {
          const peer = peerOf(c, state.me.id);
          // The flag is for the clinician who owes the reply; the patient was shown the emergency notice.
          const urgent = clinician && c.urgentAt;
          const waited = triage && c.waitingSince ? waitingFor(c.waitingSince) : null;
          const typing = typingLabel(typistsOf(c, state.typing), peer.id, t);
          return (
            <li key={c.id}>
              <button
                type="button"
                className={['conversation', c.id === state.openId && 'active', urgent && 'urgent']
                  .filter(Boolean)
                  .join(' ')}
                aria-current={c.id === state.openId ? 'true' : undefined}
                onClick={() => void client.open(c.id)}
              >
                <Avatar name={peer.name} online={peer.online} />
                <span className="conversation-main">
                  <span className="row">
                    <span className="name">
                      {peer.name} <span className="muted small role">{roleLabel(peer, t)}</span>
                    </span>
                    {waited && c.waitingSince ? (
                      <time className="small waiting" dateTime={c.waitingSince}>
                        {t.waiting(waited.n, waited.unit)}
                      </time>
                    ) : (
                      c.lastMessageAt && (
                        <time className="muted small">{relativeTime(c.lastMessageAt, t, dateLocale)}</time>
                      )
                    )}
                  </span>
                  <span className="row">
                    {urgent && (
                      <span className="flag urgent" title={t.urgentConversation}>
                        {t.urgent}
                      </span>
                    )}
                    {typing ? (
                      <span className="preview typing-now">{typing}</span>
                    ) : (
                      <span className="preview muted">{c.lastMessage?.preview ?? t.noMessagesYet}</span>
                    )}
                    {c.unreadCount > 0 && (
                      <span className="badge" aria-label={t.unread(c.unreadCount)}>
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
