import type { AccessLogEntry, Attachment, Conversation, Message, Page, MessagePage, Participant, ReadResult, User } from '@carechat/protocol';
import { unsubscribe } from '../notifications/push.js';
import { api } from '../api/http.js';
import { ChatSocket, type ConnectionState } from '../api/socket.js';
import { DraftStore, forgetAllDrafts } from './draftStore.js';
import { mergeMessages, newClientMessageId, PendingQueue, sortConversations, type PendingMessage } from './logic.js';

/**
 * A window of at most WINDOW consecutive messages of one conversation: long histories page
 * in and out at both ends, so the DOM never holds more than the window.
 */
export interface Thread {
  items: Message[];
  /** Older messages exist before the window. */
  hasMore: boolean;
  /** Newer messages exist after the window (the reader scrolled far back). */
  hasNewer: boolean;
  loaded: boolean;
}

export const WINDOW = 150;


export interface ChatState {
  me: User;
  connection: ConnectionState;
  conversations: Record<string, Conversation>;
  threads: Record<string, Thread>;
  pending: PendingMessage[];
  /** Conversation ids where the other person is typing now. */
  typing: Record<string, boolean>;
  openId: string | null;
  archivedView: boolean;
}

const PAGE = 50;
const RETRYABLE = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL']);

/**
 * The web app's state and the single path from it to the server: REST for pages, the socket
 * for everything live. Components read snapshots; they never call fetch or the socket.
 */
export class ChatStore {
  private state: ChatState;
  private listeners = new Set<() => void>();
  private readonly queue = new PendingQueue();
  /** The queue goes out one message at a time, oldest first: a retried message never lands after a later one. */
  private delivering = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelayMs = 0;
  /** The highest rev seen per conversation: where `changes?since=` resumes after a gap. */
  private readonly revs = new Map<string, number>();
  private readonly catchingUp = new Set<string>();
  readonly socket: ChatSocket;
  /** What this person has written and not sent, per conversation. */
  readonly drafts: DraftStore;
  private typingSent = new Map<string, number>();

  constructor(me: User) {
    this.state = { me, connection: 'connecting', conversations: {}, threads: {}, pending: [], typing: {}, openId: null, archivedView: false };
    this.socket = new ChatSocket();
    this.drafts = new DraftStore(me.id);
    this.wire();
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.state;

  close(): void {
    clearTimeout(this.retryTimer);
    this.drafts.close();
    this.socket.close();
  }

  // ---- conversations -------------------------------------------------------------------

  async loadConversations(q = '', archived = this.state.archivedView): Promise<void> {
    const page = await api<Page<Conversation>>('GET', `/api/chat/conversations?limit=100&archived=${archived}${q ? `&q=${encodeURIComponent(q)}` : ''}`);
    const conversations: Record<string, Conversation> = {};
    for (const c of page.data) conversations[c.id] = c;
    // Keep the open conversation even when a search hides it from the list.
    const open = this.state.openId ? this.state.conversations[this.state.openId] : undefined;
    if (open && !conversations[open.id]) conversations[open.id] = open;
    this.set({ conversations, archivedView: archived });
  }

  listConversations(): Conversation[] {
    return sortConversations(Object.values(this.state.conversations).filter((c) => c.archived === this.state.archivedView || c.id === this.state.openId));
  }

  contacts(q = ''): Promise<{ data: Participant[]; hasMore: boolean }> {
    return api('GET', `/api/chat/contacts${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  }

  async startConversation(participantId: string): Promise<string> {
    const c = await api<Conversation>('POST', '/api/chat/conversations', { participantId });
    this.upsertConversation(c);
    return c.id;
  }

  async accessLog(id: string): Promise<AccessLogEntry[]> {
    return (await api<{ data: AccessLogEntry[] }>('GET', `/api/chat/conversations/${id}/access-log`)).data;
  }

  async setArchived(id: string, archived: boolean): Promise<void> {
    this.upsertConversation(await api<Conversation>('PATCH', `/api/chat/conversations/${id}`, { archived }));
  }

  // ---- a thread ------------------------------------------------------------------------

  async open(id: string | null): Promise<void> {
    const previous = this.state.openId;
    this.set({ openId: id });
    if (previous && previous !== id) void this.socket.send('chat:leave', { conversationId: previous }).catch(() => undefined);
    if (!id) return;
    void this.socket.send('chat:join', { conversationId: id }).catch(() => undefined);
    if (!this.state.conversations[id]) this.upsertConversation(await api<Conversation>('GET', `/api/chat/conversations/${id}`));
    if (!this.state.threads[id]?.loaded) {
      await this.loadLatest(id);
    }
    await this.markRead(id);
  }

  /** The newest page, replacing the window: "jump to the latest messages". */
  async loadLatest(id: string): Promise<void> {
    const page = await api<MessagePage>('GET', `/api/chat/conversations/${id}/messages?limit=${PAGE}`);
    this.setThread(id, { items: page.data, hasMore: page.hasMore, hasNewer: false, loaded: true });
  }

  /** The page after the window's newest message; the oldest leave the window. */
  async loadNewer(id: string): Promise<boolean> {
    const thread = this.state.threads[id];
    if (!thread?.hasNewer || thread.items.length === 0) return false;
    const page = await api<MessagePage>('GET', `/api/chat/conversations/${id}/messages?limit=${PAGE}&after=${thread.items[thread.items.length - 1]!.seq}`);
    const items = mergeMessages(thread.items, page.data);
    const trimmed = items.length > WINDOW;
    this.setThread(id, { items: trimmed ? items.slice(items.length - WINDOW) : items, hasMore: thread.hasMore || trimmed, hasNewer: page.hasMore, loaded: true });
    return true;
  }

  /** The page before the oldest loaded message; false when there is nothing older. */
  async loadOlder(id: string): Promise<boolean> {
    const thread = this.state.threads[id];
    if (!thread?.hasMore || thread.items.length === 0) return false;
    const page = await api<MessagePage>('GET', `/api/chat/conversations/${id}/messages?limit=${PAGE}&before=${thread.items[0]!.seq}`);
    const items = mergeMessages(thread.items, page.data);
    const trimmed = items.length > WINDOW;
    this.setThread(id, { items: trimmed ? items.slice(0, WINDOW) : items, hasMore: page.hasMore, hasNewer: thread.hasNewer || trimmed, loaded: true });
    return true;
  }

  async markRead(id: string): Promise<void> {
    const c = this.state.conversations[id];
    if (!c || c.unreadCount === 0 || this.socket.state !== 'online') return;
    const ack = await this.socket.send('chat:read', { conversationId: id, upToSeq: c.lastSeq }).catch(() => null);
    if (ack?.ok) this.patchConversation(id, { unreadCount: (ack as unknown as ReadResult).unreadCount, lastReadSeq: (ack as unknown as ReadResult).lastReadSeq });
  }

  // ---- writing -------------------------------------------------------------------------

  /** Queues a message and sends it; offline it waits, and goes with the same id on reconnect. */
  send(conversationId: string, content: string, extras: { replyToId?: string; attachments?: Attachment[] } = {}): void {
    const item = this.queue.add({
      clientMessageId: newClientMessageId(),
      conversationId,
      content,
      ...(extras.replyToId ? { replyToId: extras.replyToId } : {}),
      ...(extras.attachments?.length ? { attachmentIds: extras.attachments.map((a) => a.id) } : {}),
    });
    this.syncPending();
    void this.deliverQueue();
  }

  /** Sends this conversation's draft, if it makes a message yet (text or files, uploads done). */
  sendDraft(conversationId: string): boolean {
    const message = this.drafts.take(conversationId);
    if (!message) return false;
    this.send(conversationId, message.content, message);
    this.typing(conversationId, false);
    return true;
  }

  discardPending(clientMessageId: string): void {
    this.queue.remove(clientMessageId);
    this.syncPending();
  }

  async edit(messageId: string, content: string): Promise<void> {
    const ack = await this.socket.send('chat:edit', { messageId, content });
    if (!ack.ok) throw new Error(ack.error.message);
    this.applyMessage(ack.message);
  }

  async remove(messageId: string, scope: 'self' | 'everyone'): Promise<void> {
    const ack = await this.socket.send('chat:delete', { messageId, scope });
    if (!ack.ok) throw new Error(ack.error.message);
  }

  async react(messageId: string, emoji: string, on: boolean): Promise<void> {
    const ack = await this.socket.send('chat:react', { messageId, emoji, on });
    if (ack.ok) this.applyMessage(ack.message);
  }

  /** Typing: at most one start every 3 s while typing; the server ends it 5 s after the last. */
  typing(conversationId: string, active: boolean): void {
    const last = this.typingSent.get(conversationId) ?? 0;
    if (active && Date.now() - last < 3000) return;
    this.typingSent.set(conversationId, active ? Date.now() : 0);
    void this.socket.send(active ? 'chat:typing:start' : 'chat:typing:stop', { conversationId }).catch(() => undefined);
  }

  async logout(): Promise<void> {
    // At once, before a network call that could hang (the app clears them again at the sign-in page).
    forgetAllDrafts();
    // A shared computer must not go on notifying the person who just left.
    await unsubscribe();
    await api('POST', '/api/auth/logout').catch(() => undefined);
    this.close();
  }

  // ---- internals -----------------------------------------------------------------------

  /**
   * Sends the queue in order, each message with its own clientMessageId, so a resend is never a
   * duplicate. A message the server could not take just now (unavailable, rate limited, no ack
   * in time) stops the queue behind it, and it goes again after a growing pause (1 s doubling
   * to 30 s) without waiting for a reconnect; a reconnect sends at once.
   */
  private async deliverQueue(): Promise<void> {
    if (this.delivering || this.retryTimer) return;
    this.delivering = true;
    try {
      for (let item = this.queue.toRetry()[0]; item; item = this.queue.toRetry()[0]) {
        if (!(await this.deliver(item))) {
          this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, 1000), 30_000);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            void this.deliverQueue();
          }, this.retryDelayMs);
          return;
        }
        this.retryDelayMs = 0;
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Sends one message; false when it should go again later. */
  private async deliver(item: PendingMessage): Promise<boolean> {
    try {
      const ack = await this.socket.send('chat:message', {
        conversationId: item.conversationId,
        clientMessageId: item.clientMessageId,
        ...(item.content ? { content: item.content } : {}),
        ...(item.replyToId ? { replyToId: item.replyToId } : {}),
        ...(item.attachmentIds ? { attachmentIds: item.attachmentIds } : {}),
      });
      if (ack.ok) {
        this.queue.acked(item.clientMessageId);
        this.applyMessage(ack.message);
      } else if (RETRYABLE.has(ack.error.code)) return false;
      else this.queue.failed(item.clientMessageId, ack.error.message);
      return true;
    } catch {
      // Offline or no ack in time.
      return false;
    } finally {
      this.syncPending();
    }
  }

  private wire(): void {
    const s = this.socket.socket;
    this.socket.onState((connection) => {
      this.set({ connection });
      if (connection === 'online') void this.catchUp();
    });
    s.on('chat:message', (m) => {
      const thread = this.state.threads[m.conversationId];
      const newest = thread && !thread.hasNewer ? thread.items[thread.items.length - 1]?.seq : undefined;
      const seenRev = this.revs.get(m.conversationId) ?? 0;
      this.applyMessage(m);
      // A seq skipped: a message whose broadcast never came (a server died between its commit
      // and its fan-out, say). Fetch what changed since before this one.
      if (newest !== undefined && m.seq > newest + 1) this.catchUpSoon(m.conversationId, seenRev);
      const mine = m.senderId === this.state.me.id;
      if (!mine) {
        void this.socket.send('chat:delivered', { conversationId: m.conversationId, upToSeq: m.seq }).catch(() => undefined);
        this.set({ typing: { ...this.state.typing, [m.conversationId]: false } });
      }
      const c = this.state.conversations[m.conversationId];
      if (c) {
        const seen = mine || (this.state.openId === m.conversationId && document.visibilityState === 'visible');
        this.patchConversation(m.conversationId, {
          lastMessage: { id: m.id, seq: m.seq, senderId: m.senderId, preview: previewOf(m), createdAt: m.createdAt },
          lastMessageAt: m.createdAt,
          lastSeq: Math.max(c.lastSeq, m.seq),
          archived: false,
          unreadCount: mine ? 0 : c.unreadCount + 1,
        });
        if (seen && !mine) void this.markRead(m.conversationId);
      } else void this.loadConversations();
    });
    s.on('chat:edited', (m) => this.applyMessage(m));
    s.on('chat:reaction', (m) => this.applyMessage(m));
    s.on('chat:deleted', (e) => {
      const thread = this.state.threads[e.conversationId];
      if (!thread) return;
      const items =
        e.scope === 'self'
          ? thread.items.filter((m) => m.id !== e.messageId)
          : thread.items.map((m) => (m.id === e.messageId ? { ...m, content: null, attachments: [], reactions: [], deletedAt: new Date().toISOString() } : m));
      this.setThread(e.conversationId, { ...thread, items });
    });
    s.on('chat:read', (r) => {
      if (r.userId !== this.state.me.id) this.patchConversation(r.conversationId, { peerLastReadSeq: r.upToSeq, peerLastDeliveredSeq: Math.max(r.upToSeq, this.state.conversations[r.conversationId]?.peerLastDeliveredSeq ?? 0) });
    });
    s.on('chat:delivered', (r) => {
      if (r.userId !== this.state.me.id) this.patchConversation(r.conversationId, { peerLastDeliveredSeq: r.upToSeq });
    });
    s.on('chat:typing', (e) => this.set({ typing: { ...this.state.typing, [e.conversationId]: e.isTyping } }));
    s.on('presence:update', (p) => {
      const conversations = { ...this.state.conversations };
      for (const c of Object.values(conversations))
        for (const side of ['patient', 'doctor'] as const)
          if (c[side].id === p.userId) conversations[c.id] = { ...c, [side]: { ...c[side], online: p.online, lastSeenAt: p.lastSeenAt ?? c[side].lastSeenAt } };
      this.set({ conversations });
    });
    s.on('conversation:updated', (c) => this.onConversationUpdated(c));
    s.on('session:ended', () => window.dispatchEvent(new CustomEvent('carechat:signed-out')));
  }

  /** After a reconnect: changes since the last rev seen in each loaded thread, then the queue. */
  private async catchUp(): Promise<void> {
    try {
      for (const id of Object.keys(this.state.threads)) await this.catchUpThread(id);
      await this.loadConversations();
      if (this.state.openId) await this.markRead(this.state.openId);
    } catch {
      // Another reconnect will try again.
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryDelayMs = 0;
    await this.deliverQueue();
  }

  /** Fetches every change to a loaded thread after the last rev this page has seen. */
  private async catchUpThread(id: string, from?: number): Promise<void> {
    let since = from ?? this.revs.get(id) ?? 0;
    for (;;) {
      const page = await api<MessagePage>('GET', `/api/chat/conversations/${id}/changes?since=${since}&limit=500`);
      const thread = this.state.threads[id];
      if (!thread) return;
      const hidden = new Set(page.data.filter((m) => m.hiddenForMe).map((m) => m.id));
      this.setThread(id, this.withinWindow({ ...thread, items: thread.items.filter((m) => !hidden.has(m.id)) }, page.data));
      page.data.forEach((m) => this.noteRev(m));
      if (!page.hasMore || page.data.length === 0) break;
      since = page.data[page.data.length - 1]!.rev;
    }
  }

  /**
   * A conversation whose lastRev is past what this page has seen missed events (a server's
   * fan-out was interrupted): its loaded thread catches up at once, not at the next reconnect.
   */
  private onConversationUpdated(c: Conversation): void {
    this.upsertConversation(c);
    if (this.state.threads[c.id] && c.lastRev > (this.revs.get(c.id) ?? 0)) this.catchUpSoon(c.id);
  }

  /** One catch-up at a time per loaded thread, from `since` (default: the last rev seen). */
  private catchUpSoon(id: string, since?: number): void {
    if (this.catchingUp.has(id)) return;
    this.catchingUp.add(id);
    void this.catchUpThread(id, since)
      .catch(() => undefined)
      .finally(() => this.catchingUp.delete(id));
  }

  private applyMessage(m: Message): void {
    this.noteRev(m);
    const thread = this.state.threads[m.conversationId];
    if (!thread) return;
    this.setThread(m.conversationId, this.withinWindow(thread, [m]));
  }

  /**
   * Merges messages into a window without opening gaps: changes to messages inside it apply,
   * newer ones append only when the window reaches the newest, and the oldest leave when it
   * grows past WINDOW.
   */
  private withinWindow(thread: Thread, incoming: Message[]): Thread {
    const first = thread.items[0]?.seq ?? (thread.hasMore ? Infinity : 0);
    const last = thread.items[thread.items.length - 1]?.seq ?? 0;
    const fits = incoming.filter((m) => (m.seq >= first && m.seq <= last) || (m.seq > last && !thread.hasNewer) || (!thread.hasMore && m.seq < first));
    const items = mergeMessages(thread.items, fits);
    if (items.length <= WINDOW) return { ...thread, items };
    return { ...thread, items: items.slice(items.length - WINDOW), hasMore: true };
  }

  private noteRev(m: Message): void {
    this.revs.set(m.conversationId, Math.max(this.revs.get(m.conversationId) ?? 0, m.rev));
  }

  private setThread(id: string, thread: Thread): void {
    thread.items.forEach((m) => this.noteRev(m));
    this.set({ threads: { ...this.state.threads, [id]: thread } });
  }

  private upsertConversation(c: Conversation): void {
    this.set({ conversations: { ...this.state.conversations, [c.id]: c } });
  }

  private patchConversation(id: string, patch: Partial<Conversation>): void {
    const c = this.state.conversations[id];
    if (c) this.upsertConversation({ ...c, ...patch });
  }

  private syncPending(): void {
    this.set({ pending: [...this.queue.toRetry(), ...this.failedItems()] });
  }

  private failedItems(): PendingMessage[] {
    return Object.keys(this.state.conversations)
      .flatMap((id) => this.queue.forConversation(id))
      .filter((p) => p.state === 'failed');
  }

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }
}

function previewOf(m: Message): string {
  if (m.deletedAt) return 'Message deleted';
  if (m.content) return m.content.length > 100 ? `${m.content.slice(0, 99)}…` : m.content;
  return '📎 Attachment';
}
