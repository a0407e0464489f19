import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Message, MessageSearchHit } from '@carechat/protocol';
import { hasCareTeam, senderOf } from '@carechat/client';
import { dayLabel, newestReadOfMine, peerOf } from '../chat/format.js';
import { useKit } from '../chat/context.js';
import { useChat } from '../chat/hooks.js';
import { AccessLog } from './AccessLog.js';
import { Composer } from './Composer.js';
import { MessageItem } from './MessageItem.js';
import { PendingItem } from './PendingItem.js';
import { ThreadHeader } from './ThreadHeader.js';
import { ThreadSearch } from './ThreadSearch.js';
import { arrivedSince, firstUnreadId, readMarkOf, windowMissesUnread, type ReadMark } from './reading.js';
import { clearHighlights, highlightTerms } from './search-highlight.js';
import { TypingLine } from './TypingLine.js';

// One empty list for a thread not loaded yet: a new [] each render would rerun the scroll effect every time.
const NO_ITEMS: Message[] = [];

/** One conversation: its head, the message window paged both ways by scrolling, and its composer. */
export function ConversationView({ id }: { id: string }) {
  const { client, strings: t, dateLocale } = useKit();
  const state = useChat();
  const conversation = state.conversations[id];
  const thread = state.threads[id];
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** A message on screen and its distance from the top, held while a page loads at either end. */
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const loading = useRef(false);
  const lastCount = useRef(0);
  const lastItems = useRef<Message[] | undefined>(undefined);
  const shownId = useRef<string | null>(null);
  /** The conversation whose opening position (the "New messages" line, or the bottom) is set. */
  const positioned = useRef<string | null>(null);
  /** The window around the first unread message, asked for: the conversation, and whether it has answered. */
  const aroundAsked = useRef<{ id: string; done: boolean } | null>(null);
  /** The newest seq shown when messages began to arrive below a reader scrolled up; null when none did. */
  const [newSince, setNewSince] = useState<number | null>(null);
  const lastNewestSeq = useRef(0);
  /**
   * The reader's watermark as this conversation opened (opening marks it read), and the message the
   * "New messages" line was put above: fixed once found, so it stays put while they read and page.
   */
  const [opened, setOpened] = useState<{ id: string; mark: ReadMark; lineId: string | null } | null>(null);
  if (conversation && opened?.id !== id) setOpened({ id, mark: readMarkOf(conversation), lineId: null });
  const current = opened?.id === id ? opened : null;
  const readMark = current?.mark ?? null;
  const [announce, setAnnounce] = useState('');
  const [showAccess, setShowAccess] = useState(false);
  const [searching, setSearching] = useState(false);
  const searchButton = useRef<HTMLButtonElement>(null);
  /** A search hit waiting for its window to load, then shown (scrolled to, its words marked). */
  const pendingHit = useRef<{ id: string; terms: string[] } | null>(null);

  // Shown alone (a host's page with no list to open it from), the view opens its conversation itself:
  // its newest page loads and it is marked read. Inside <CareChat /> it is already the open one.
  useEffect(() => {
    if (client.getSnapshot().openId !== id) void client.open(id).catch(() => undefined);
  }, [client, id]);

  const items = thread?.items ?? NO_ITEMS;
  // A message can arrive (broadcast) before its ack clears it from the queue: show it once.
  const sentIds = new Set(items.map((m) => m.clientMessageId));
  const pending = state.outbox.items.filter((p) => p.conversationId === id && !sentIds.has(p.clientMessageId));
  // Not in a window that may miss the first unread message (the newest page, before the one around it loads).
  const found =
    current && !current.lineId && !windowMissesUnread(thread, readMark)
      ? firstUnreadId(items, readMark, state.me.id)
      : null;
  if (current && found) setOpened({ ...current, lineId: found });
  const dividerId = current?.lineId ?? found;
  const arrived = arrivedSince(items, newSince, state.me.id);
  const firstArrived = arrived.firstId;

  // Keeps the reading position when older pages load above, and follows new messages only
  // when the reader is already at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Another conversation starts with nothing counted as new, and is positioned once it has loaded.
    if (shownId.current !== id) {
      shownId.current = id;
      atBottom.current = true;
      lastCount.current = 0;
      lastNewestSeq.current = 0;
      aroundAsked.current = null;
      setNewSince(null);
    }
    // The anchor waits for the page it was taken for: a render for anything else meanwhile
    // (the conversation's unread count, a receipt) would spend it before the page arrives.
    const itemsChanged = items !== lastItems.current;
    lastItems.current = items;
    if (pendingHit.current && itemsChanged) {
      if (showHit(el, pendingHit.current.id, pendingHit.current.terms)) pendingHit.current = null;
    } else if (anchor.current) {
      if (itemsChanged) {
        const kept = el.querySelector<HTMLElement>(`[id="message-${anchor.current.id}"]`);
        if (kept) el.scrollTop = kept.offsetTop - anchor.current.offset;
        anchor.current = null;
      }
    } else if (positioned.current !== id) {
      if (!thread?.loaded || !readMark) return;
      const asked = aroundAsked.current?.id === id ? aroundAsked.current : null;
      if (windowMissesUnread(thread, readMark)) {
        // The first unread message is outside the window: load the window around it, then position.
        // Renders for anything else meanwhile (opening marks it read, a catch-up redraws the window) wait.
        if (asked && !asked.done) return;
        if (!asked) {
          const ask = { id, done: false };
          aroundAsked.current = ask;
          void client
            .loadAround(id, readMark.readSeq + 1)
            .catch(() => undefined)
            .finally(() => (ask.done = true));
          return;
        }
      }
      positioned.current = id;
      const line = el.querySelector<HTMLElement>('li.unread-line');
      el.scrollTop = line ? line.offsetTop - 8 : el.scrollHeight;
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80 && !thread.hasNewer;
    } else if (items.length + pending.length !== lastCount.current) {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
      else if (items.length > lastCount.current) {
        // Read now: the updater runs at the next render, after the ref has moved to the newest seq.
        const shown = lastNewestSeq.current;
        setNewSince((since) => since ?? shown);
      }
    }
    const newest = items[items.length - 1];
    if (newest && items.length > lastCount.current && lastCount.current > 0 && newest.senderId !== state.me.id) {
      const from = conversation ? (senderOf(conversation, newest.senderId)?.name ?? t.careTeam) : t.yourContact;
      setAnnounce(t.newMessageFrom(from, newest.content ?? t.attachment));
    }
    lastCount.current = items.length + pending.length;
    lastNewestSeq.current = newest?.seq ?? 0;
  }, [id, thread, items, readMark, pending.length, conversation, state.me.id, client, t]);

  const handleScroll = async () => {
    const el = scroller.current;
    if (!el || loading.current) return;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    atBottom.current = nearBottom && !thread?.hasNewer;
    if (atBottom.current) {
      setNewSince(null);
      void client.markRead(id).catch(() => undefined);
    }
    const older = el.scrollTop < 80 && thread?.hasMore;
    const newer = nearBottom && thread?.hasNewer;
    if (!older && !newer) return;
    loading.current = true;
    anchor.current = visibleAnchor(el);
    const loaded = await (older ? client.loadOlder(id) : client.loadNewer(id)).catch(() => false);
    if (!loaded) anchor.current = null;
    loading.current = false;
  };

  const jumpToLatest = async () => {
    if (thread?.hasNewer) await client.loadLatest(id).catch(() => undefined);
    atBottom.current = true;
    scroller.current?.scrollTo({ top: scroller.current.scrollHeight });
    setNewSince(null);
  };

  /** The pill's click: the first message that arrived while scrolled up, at the top of the thread. */
  const jumpToArrived = (messageId: string) => {
    setNewSince(null);
    scroller.current?.querySelector<HTMLElement>(`[id="message-${messageId}"]`)?.scrollIntoView({ block: 'start' });
  };

  const handleReply = (message: Message) => client.drafts.setReplyTo(id, message);

  const jumpTo = (messageId: string) => {
    const el = scroller.current?.querySelector<HTMLElement>(`[id="message-${messageId}"]`);
    el?.scrollIntoView({ block: 'center' });
    el?.classList.add('flash');
    setTimeout(() => el?.classList.remove('flash'), 1500);
  };

  /** A search hit in context: scrolled to where it is, or its window loaded around it first. */
  const jumpToHit = async (hit: MessageSearchHit, terms: string[]) => {
    const el = scroller.current;
    atBottom.current = false;
    if (el && showHit(el, hit.messageId, terms)) return;
    pendingHit.current = { id: hit.messageId, terms };
    await client.loadAround(id, hit.seq).catch(() => (pendingHit.current = null));
  };

  const closeSearch = () => {
    setSearching(false);
    pendingHit.current = null;
    clearHighlights();
    scroller.current?.querySelector('li.hit')?.classList.remove('hit');
    searchButton.current?.focus();
  };

  if (!conversation) return <section className="thread empty muted">{t.loading}</section>;
  const peer = peerOf(conversation, state.me.id);
  // One-to-one, ticks say it; with a care team, my newest message anyone read says who.
  const readLine = hasCareTeam(conversation)
    ? newestReadOfMine(items, conversation, state.watermarks, state.me.id)
    : null;

  return (
    <section className="thread" aria-label={t.conversationWith(peer.name)}>
      <ThreadHeader
        conversation={conversation}
        peer={peer}
        accessOpen={showAccess}
        onToggleAccess={() => setShowAccess(!showAccess)}
        searchOpen={searching}
        onToggleSearch={() => (searching ? closeSearch() : setSearching(true))}
        searchButton={searchButton}
      />
      {/* A box that stays: the bar mounted and unmounted straight among the section's children
          was left on the page when it closed (seen in Chromium, React 19). */}
      <div className="thread-tools">
        {searching && (
          <ThreadSearch
            key={id}
            conversationId={id}
            onJump={(h, terms) => void jumpToHit(h, terms)}
            onClose={closeSearch}
          />
        )}
      </div>
      {showAccess && <AccessLog conversationId={id} />}
      <div
        className="messages"
        ref={scroller}
        onScroll={() => void handleScroll()}
        tabIndex={0}
        aria-label={t.messages}
      >
        {thread?.hasMore && <p className="muted small center">{t.scrollUpForEarlier}</p>}
        <ol>
          {items.map((m, i) => {
            const day = dayLabel(m.createdAt, t, dateLocale);
            const previous = items[i - 1];
            const newDay = !previous || dayLabel(previous.createdAt, t, dateLocale) !== day;
            const separator = newDay ? (
              <li key={`day-${m.id}`} className="day" role="separator">
                {day}
              </li>
            ) : null;
            const line =
              m.id === dividerId ? (
                <li key="unread-line" className="unread-line" role="separator">
                  <span>{t.newMessagesLine}</span>
                </li>
              ) : null;
            return [
              separator,
              line,
              <MessageItem
                key={m.id}
                message={m}
                conversation={conversation}
                myId={state.me.id}
                onReply={handleReply}
                onJump={jumpTo}
                readBy={readLine?.messageId === m.id ? readLine.readers : undefined}
              />,
            ];
          })}
          {pending.map((p) => (
            <PendingItem key={p.clientMessageId} item={p} />
          ))}
        </ol>
        <TypingLine conversationId={id} />
      </div>
      {firstArrived ? (
        <button type="button" className="pill" onClick={() => jumpToArrived(firstArrived)}>
          {t.newMessagesCount(arrived.count)}
        </button>
      ) : (
        thread?.hasNewer && (
          <button type="button" className="pill" onClick={() => void jumpToLatest()}>
            {t.latestMessages}
          </button>
        )
      )}
      <p className="sr-only" aria-live="polite">
        {announce}
      </p>
      {/* Keyed by the conversation: not even view state carries over to the next one. */}
      <Composer
        key={id}
        conversationId={id}
        disabled={conversation.canMessage === false ? t.closedConversation : null}
      />
    </section>
  );
}

/** The first message at least partly on screen, and where it sits relative to the top. */
function visibleAnchor(scroller: HTMLElement): { id: string; offset: number } | null {
  for (const li of scroller.querySelectorAll<HTMLElement>('li.message[id]'))
    if (li.offsetTop + li.offsetHeight > scroller.scrollTop)
      return { id: li.id.slice('message-'.length), offset: li.offsetTop - scroller.scrollTop };
  return null;
}

/** Scrolls a message into the middle of the thread, outlined, its words marked; false when not on screen. */
function showHit(scroller: HTMLElement, messageId: string, terms: string[]): boolean {
  const el = scroller.querySelector<HTMLElement>(`[id="message-${messageId}"]`);
  if (!el) return false;
  scroller.querySelector('li.hit')?.classList.remove('hit');
  el.classList.add('hit');
  el.scrollIntoView({ block: 'center' });
  highlightTerms(el, terms);
  return true;
}
