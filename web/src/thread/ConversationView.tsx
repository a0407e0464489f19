import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Message } from '@carechat/protocol';
import { dayLabel, relativeTime } from '../chat/logic.js';
import type { AccessLogEntry } from '@carechat/protocol';
import type { ChatStore } from '../chat/store.js';
import { useChat } from '../chat/useChat.js';
import { Avatar } from '../components/Avatar.js';
import { peerOf, roleLabel } from '../conversations/ConversationList.js';
import { Composer } from './Composer.js';
import { MessageItem } from './MessageItem.js';

export function ConversationView({ store, id }: { store: ChatStore; id: string }) {
  const state = useChat(store);
  const conversation = state.conversations[id];
  const thread = state.threads[id];
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** A message on screen and its distance from the top, held while a page loads at either end. */
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const loading = useRef(false);
  const lastCount = useRef(0);
  const lastItems = useRef<Message[] | undefined>(undefined);
  const [newBelow, setNewBelow] = useState(false);
  const [announce, setAnnounce] = useState('');
  const [showAccess, setShowAccess] = useState(false);

  const items = thread?.items ?? [];
  // A message can arrive (broadcast) before its ack clears it from the queue: show it once.
  const sentIds = new Set(items.map((m) => m.clientMessageId));
  const pending = state.pending.filter((p) => p.conversationId === id && !sentIds.has(p.clientMessageId));

  // Keeps the reading position when older pages load above, and follows new messages only
  // when the reader is already at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // The anchor waits for the page it was taken for: a render for anything else meanwhile
    // (the conversation's unread count, a receipt) would spend it before the page arrives.
    const itemsChanged = items !== lastItems.current;
    lastItems.current = items;
    if (anchor.current) {
      if (itemsChanged) {
        const kept = document.getElementById(`message-${anchor.current.id}`);
        if (kept) el.scrollTop = kept.offsetTop - anchor.current.offset;
        anchor.current = null;
      }
    } else if (items.length + pending.length !== lastCount.current) {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
      else if (items.length > lastCount.current) setNewBelow(true);
    }
    const newest = items[items.length - 1];
    if (newest && items.length > lastCount.current && lastCount.current > 0 && newest.senderId !== state.me.id)
      setAnnounce(`New message from ${conversation ? peerOf(conversation, state.me.id).name : 'your contact'}: ${newest.content ?? 'attachment'}`);
    lastCount.current = items.length + pending.length;
  }, [items, pending.length, conversation, state.me.id]);

  useEffect(() => {
    atBottom.current = true;
    lastCount.current = 0;
    setNewBelow(false);
  }, [id]);

  const handleScroll = async () => {
    const el = scroller.current;
    if (!el || loading.current) return;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    atBottom.current = nearBottom && !thread?.hasNewer;
    if (atBottom.current) {
      setNewBelow(false);
      void store.markRead(id);
    }
    const older = el.scrollTop < 80 && thread?.hasMore;
    const newer = nearBottom && thread?.hasNewer;
    if (!older && !newer) return;
    loading.current = true;
    anchor.current = visibleAnchor(el);
    const loaded = await (older ? store.loadOlder(id) : store.loadNewer(id)).catch(() => false);
    if (!loaded) anchor.current = null;
    loading.current = false;
  };

  const jumpToLatest = async () => {
    if (thread?.hasNewer) await store.loadLatest(id);
    atBottom.current = true;
    scroller.current?.scrollTo({ top: scroller.current.scrollHeight });
    setNewBelow(false);
  };

  const handleReply = (message: Message) => store.drafts.setReplyTo(id, message);

  const jumpTo = (messageId: string) => {
    const el = document.getElementById(`message-${messageId}`);
    el?.scrollIntoView({ block: 'center' });
    el?.classList.add('flash');
    setTimeout(() => el?.classList.remove('flash'), 1500);
  };

  if (!conversation) return <section className="thread empty muted">Loading…</section>;
  const peer = peerOf(conversation, state.me.id);
  const closed = conversation.canMessage === false ? 'You can no longer send messages in this conversation.' : null;
  let lastDay = '';

  return (
    <section className="thread" aria-label={`Conversation with ${peer.name}`}>
      <header className="thread-head">
        <button type="button" className="link back" onClick={() => void store.open(null)} aria-label="Back to conversations">
          ←
        </button>
        <Avatar name={peer.name} online={peer.online} />
        <div>
          <h2>{peer.name}</h2>
          <p className="muted small">
            {roleLabel(peer)} · {peer.online ? 'Online' : peer.lastSeenAt ? `Last seen ${relativeTime(peer.lastSeenAt)}` : 'Offline'}
          </p>
        </div>
        <button type="button" className="link archive" onClick={() => void store.setArchived(id, !conversation.archived)}>
          {conversation.archived ? 'Unarchive' : 'Archive'}
        </button>
        <button type="button" className="link" aria-expanded={showAccess} onClick={() => setShowAccess(!showAccess)}>
          Who else read this
        </button>
      </header>
      {showAccess && <AccessLog store={store} id={id} />}
      <div className="messages" ref={scroller} onScroll={() => void handleScroll()} tabIndex={0} aria-label="Messages">
        {thread?.hasMore && <p className="muted small center">Scroll up for earlier messages</p>}
        <ol>
          {items.map((m) => {
            const day = dayLabel(m.createdAt);
            const separator = day !== lastDay ? ((lastDay = day), <li key={`day-${m.id}`} className="day" role="separator">{day}</li>) : null;
            return [
              separator,
              <MessageItem key={m.id} store={store} message={m} conversation={conversation} myId={state.me.id} onReply={handleReply} onJump={jumpTo} />,
            ];
          })}
          {pending.map((p) => (
            <li key={p.clientMessageId} className="message mine pending">
              <div className="bubble">
                {p.content && <p className="text">{p.content}</p>}
                <div className="meta muted small">
                  {p.state === 'failed' ? (
                    <>
                      <span className="error">Not sent: {p.error}</span>{' '}
                      <button type="button" className="link" onClick={() => store.discardPending(p.clientMessageId)}>
                        Discard
                      </button>
                    </>
                  ) : (
                    <span className="tick pending" aria-label="Sending">
                      🕓 Sending…
                    </span>
                  )}
                </div>
              </div>
            </li>
          ))}
        </ol>
        {state.typing[id] && <p className="typing muted small">{peer.name} is typing…</p>}
      </div>
      {(newBelow || thread?.hasNewer) && (
        <button type="button" className="pill" onClick={() => void jumpToLatest()}>
          {newBelow ? 'New messages ↓' : 'Latest messages ↓'}
        </button>
      )}
      <p className="sr-only" aria-live="polite">
        {announce}
      </p>
      {/* Keyed by the conversation: not even view state carries over to the next one. */}
      <Composer key={id} store={store} conversationId={id} disabled={closed} />
    </section>
  );
}

/** The first message at least partly on screen, and where it sits relative to the top. */
function visibleAnchor(scroller: HTMLElement): { id: string; offset: number } | null {
  for (const li of scroller.querySelectorAll<HTMLElement>('li.message[id]'))
    if (li.offsetTop + li.offsetHeight > scroller.scrollTop) return { id: li.id.slice('message-'.length), offset: li.offsetTop - scroller.scrollTop };
  return null;
}

/** Who outside the conversation (an auditor) opened it, when, and why. */
function AccessLog({ store, id }: { store: ChatStore; id: string }) {
  const [entries, setEntries] = useState<AccessLogEntry[] | null>(null);
  useEffect(() => {
    store.accessLog(id).then(setEntries, () => setEntries([]));
  }, [store, id]);
  return (
    <section className="access-log" aria-label="Access log">
      {entries?.length === 0 && <p className="muted small">Nobody outside this conversation has opened it.</p>}
      <ul>
        {entries?.map((e, i) => (
          <li key={i} className="small">
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> · {e.actorName ?? e.actorId} ({e.actorRole?.toLowerCase()}) · {e.reason}
            {e.flagged && <span className="error"> (no reason given)</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
