import type {
  AccessLogEntry,
  Attachment,
  Conversation,
  MessageDeleteInput,
  MessagePage,
  PendingAcknowledgement,
  MessageSearchPage,
  Participant,
  Page,
  User,
} from '@carechat/protocol';
import { AttachmentBlobs, fetchWithToken, type AttachmentLease } from './attachment-blobs.js';
import { CatchUp } from './catch-up.js';
import type { CareChatClientOptions, Me } from './options.js';
import { systemClock } from './clock.js';
import type { ClientEvents, Core, SignOutReason } from './core.js';
import { Delivery, type SendExtras } from './delivery.js';
import { DraftStore } from './drafts.js';
import { Emitter } from './emitter.js';
import { CareChatError } from './errors.js';
import { ExpiryWarning } from './expiry.js';
import { createHttp, query, type Http } from './http.js';
import { wireLive } from './live.js';
import { ChatSocket } from './socket.js';
import { initialState, StateContainer, type ClientState } from './state.js';
import { defaultStorage, forgetStored, PersistedValue, personPrefix, type ClientStorage } from './storage.js';
import { totalUnread, visibleConversations } from './sync/conversations.js';
import { readUpTo, withReadResult } from './sync/receipts.js';
import { withoutConversation } from './sync/removal.js';
import { participantsOf } from './sync/participants.js';
import {
  latestThread,
  newerCursor,
  olderCursor,
  PAGE,
  threadAround,
  withNewerPage,
  withOlderPage,
} from './sync/window.js';
import { uploadForm } from './upload.js';
import { pushApi } from './push.js';
import { remindersApi } from './reminders.js';
import { savedRepliesApi } from './saved-replies.js';
import { TypingSignals } from './typing.js';

const visibleDocument = () => typeof document === 'undefined' || document.visibilityState === 'visible';

/**
 * The CareChat client: one person's conversations, messages, receipts, typing and presence,
 * kept in sync over REST and the socket, with an outbox that survives reloads. Views read
 * `getSnapshot()` and `subscribe` to changes; hosts listen with `on`.
 */
export class CareChatClient {
  /** What this person has written and not sent, per conversation. */
  readonly drafts: DraftStore;
  readonly socket: ChatSocket;
  private readonly core: Core;
  private readonly state: StateContainer;
  private readonly http: Http;
  private readonly events = new Emitter<ClientEvents>();
  private readonly storage: ClientStorage;
  private readonly catchUp: CatchUp;
  private readonly delivery: Delivery;
  private readonly expiry: ExpiryWarning;
  private token: string | undefined;
  private ended = false;
  /** The newest list load asked for: an older one answering later must not undo the view it chose. */
  private listLoads = 0;
  /** The view last asked for (applied or still loading): what a load that names none keeps. */
  private listView = { archived: false, needsReply: false };
  /** Settles when the newest list load has been applied (or failed). */
  private newestList: Promise<void> = Promise.resolve();
  private readonly typingSignals: TypingSignals;
  private readonly blobs = new AttachmentBlobs(
    (url) => fetchWithToken(url, this.token),
    (id, thumbnail) => this.attachmentUrl(id, thumbnail),
  );

  constructor(private readonly options: CareChatClientOptions = {}) {
    this.token = options.token;
    this.storage = options.storage ?? defaultStorage();
    this.state = new StateContainer(initialState(options.user ?? null));
    const onError = (e: CareChatError) => e.code === 'UNAUTHENTICATED' && this.end('unauthenticated');
    this.http = createHttp({
      baseUrl: options.url ?? '',
      token: () => this.token,
      onRequest: options.onActivity,
      onError,
    });
    this.socket = new ChatSocket({ url: options.url, token: () => this.token, onActivity: options.onActivity });
    this.core = {
      state: this.state,
      http: this.http,
      socket: this.socket,
      clock: options.clock ?? systemClock,
      events: this.events,
      isVisible: options.isVisible ?? visibleDocument,
      me: () => this.state.get().me,
    };
    this.catchUp = new CatchUp(this.core);
    this.delivery = new Delivery(this.core);
    this.expiry = new ExpiryWarning(this.core, options.expiryWarningMs);
    this.typingSignals = new TypingSignals(this.core);
    this.push = pushApi(this.http);
    this.reminders = remindersApi(this.http);
    this.savedReplies = savedRepliesApi(this.http);
    this.drafts = new DraftStore((conversationId, file, name, onProgress) =>
      this.upload(conversationId, file, { name, onProgress }),
    );
    wireLive(this.core, {
      catchUp: this.catchUp,
      reloadConversations: () => void this.loadConversations().catch(() => undefined),
      markRead: (id) => void this.markRead(id).catch(() => undefined),
      signedOut: (reason) => void this.end(reason),
      removed: (id) => this.forget(id),
    });
    this.socket.onState((connection) => {
      this.state.set({ connection });
      if (connection === 'online') void this.resync();
    });
    let unread = 0;
    this.state.subscribe(() => {
      const total = totalUnread(this.state.get().conversations);
      if (total !== unread) this.events.emit('unread', { total: (unread = total) });
    });
    if (options.user) this.restore(options.user.id);
  }

  // ---- the session ----------------------------------------------------------------------

  on<K extends keyof ClientEvents>(name: K, listener: (event: ClientEvents[K]) => void): () => void {
    return this.events.on(name, listener);
  }

  subscribe = (listener: () => void): (() => void) => this.state.subscribe(listener);
  getSnapshot = (): ClientState => this.state.get();

  /** Asks the server who is signed in, restores what they left unsent, and loads their conversations. */
  async connect(): Promise<User> {
    const me = await this.http<Me>('GET', '/api/auth/me');
    const known = this.state.get().me;
    if (known?.id !== me.user.id) {
      this.restore(me.user.id);
      // Someone else's last view (a clinician's needs-reply list) is not theirs.
      this.listView = { archived: false, needsReply: false };
    }
    this.state.set({ me: me.user });
    this.expiry.schedule(me.expiresAt);
    await this.loadConversations();
    return me.user;
  }

  /** A fresh host token: later requests and handshakes carry it; the state stays as it is. */
  async setToken(token: string): Promise<void> {
    this.token = token;
    const me = await this.http<Me>('GET', '/api/auth/me');
    this.expiry.schedule(me.expiresAt);
    // The server ends a socket at its token's expiry: a new handshake carries the new one.
    if (this.socket.socket.connected) this.socket.reconnect();
  }

  /**
   * Signs out here: what this person left unsent on this device is wiped first, `before`
   * runs while the session still works (turning push off on this device), then the server
   * ends the session.
   */
  async signOut(before?: () => Promise<void>): Promise<void> {
    const me = this.state.get().me;
    this.closeParts();
    if (me) void forgetStored(this.storage, me.id);
    await before?.().catch(() => undefined);
    await this.http('POST', '/api/auth/logout').catch(() => undefined);
    this.end('sign-out');
  }

  /** Stops the socket and every timer; nothing more is sent or stored. */
  close(): void {
    this.closeParts();
    this.socket.close();
  }

  // ---- conversations --------------------------------------------------------------------

  /**
   * Loads the list (a name search, the archive or not, or a clinician's needs-reply view, which
   * is never the archive) into the state. Only the newest load's answer is applied; an older one
   * resolves once the state holds the newest's, so after any load the state is at least as new.
   */
  async loadConversations(
    q = '',
    archived = this.listView.archived,
    needsReply = this.listView.needsReply,
  ): Promise<Conversation[]> {
    // The needs-reply view is never the archive; `needsReply` is sent only when asked for.
    const params = { limit: 100, archived: archived && !needsReply, q, needsReply: needsReply || undefined };
    this.listView = { archived: params.archived, needsReply };
    const load = ++this.listLoads;
    const done = this.fetchList(params, load);
    this.newestList = done.then(
      () => undefined,
      () => undefined,
    );
    const data = await done;
    // A person who switched to "Needs reply" while the full list was still loading sees their choice.
    for (let newest = this.newestList; load !== this.listLoads; newest = this.newestList) {
      await newest;
      if (newest === this.newestList) break;
    }
    return data;
  }

  private async fetchList(
    params: { limit: number; archived: boolean; q: string; needsReply: true | undefined },
    load: number,
  ): Promise<Conversation[]> {
    const page = await this.http<Page<Conversation>>('GET', `/api/chat/conversations${query(params)}`);
    if (load !== this.listLoads) return page.data;
    const conversations: Record<string, Conversation> = {};
    for (const c of page.data) conversations[c.id] = c;
    // The open conversation stays even when a search hides it from the list.
    const { openId, conversations: before } = this.state.get();
    const open = openId ? before[openId] : undefined;
    if (open && !conversations[open.id]) conversations[open.id] = open;
    const needsReplyView = params.needsReply === true;
    this.state.setConversations(conversations, { archivedView: params.archived, needsReplyView });
    return page.data;
  }

  /** The list as shown: the current view and the open one (see `visibleConversations`). */
  listConversations(): Conversation[] {
    return visibleConversations(this.state.get().conversations, this.state.get());
  }

  /**
   * A clinician assigns the conversation to one person of its care side (the doctor or a team
   * member), or to nobody; every participant's devices hear of it (`conversation:updated`).
   */
  async assign(conversationId: string, userId: string | null): Promise<void> {
    const ack = await this.socket.send('conversation:assign', { conversationId, userId });
    if (!ack.ok) throw CareChatError.from(ack.error);
    this.state.upsertConversation(ack.conversation);
  }

  contacts(q = ''): Promise<{ data: Participant[]; hasMore: boolean }> {
    return this.http('GET', `/api/chat/contacts${query({ q })}`);
  }

  /** Gets or starts the conversation with this person; answers its id. */
  async startConversation(participantId: string): Promise<string> {
    const c = await this.http<Conversation>('POST', '/api/chat/conversations', { participantId });
    this.state.upsertConversation(c);
    return c.id;
  }

  async setArchived(id: string, archived: boolean): Promise<void> {
    this.state.upsertConversation(
      await this.http<Conversation>('PATCH', `/api/chat/conversations/${id}`, { archived }),
    );
  }

  /** Opens a conversation (null closes): its newest page loads and what it shows is marked read. */
  async open(id: string | null): Promise<void> {
    const previous = this.state.get().openId;
    this.state.set({ openId: id });
    // Whether a conversation is on screen only tunes notifications: a lost join or leave is harmless.
    if (previous && previous !== id)
      void this.socket.send('chat:leave', { conversationId: previous }).catch(() => null);
    if (!id) return;
    void this.socket.send('chat:join', { conversationId: id }).catch(() => null);
    this.events.emit('conversation-opened', { conversationId: id });
    if (!this.state.get().conversations[id])
      this.state.upsertConversation(await this.http<Conversation>('GET', `/api/chat/conversations/${id}`));
    if (!this.state.get().threads[id]?.loaded) await this.loadLatest(id);
    await this.markRead(id);
  }

  /** Who takes part in a conversation and whether they are online now. */
  presenceOf(userId: string): Pick<Participant, 'online' | 'lastSeenAt'> | null {
    for (const c of Object.values(this.state.get().conversations))
      for (const p of participantsOf(c)) if (p.id === userId) return { online: p.online, lastSeenAt: p.lastSeenAt };
    return null;
  }

  /** Outside reads of a conversation (admins' audited access), as its participants may see them. */
  async accessLog(id: string): Promise<AccessLogEntry[]> {
    return (await this.http<{ data: AccessLogEntry[] }>('GET', `/api/chat/conversations/${id}/access-log`)).data;
  }

  // ---- messages -------------------------------------------------------------------------

  /** The newest page, replacing the window: "jump to the latest messages". */
  async loadLatest(id: string): Promise<void> {
    const page = await this.messages(id, {});
    this.state.setThread(id, latestThread(page));
  }

  /** The page before the window's oldest message; false when there is nothing older. */
  async loadOlder(id: string): Promise<boolean> {
    const before = olderCursor(this.state.get().threads[id]);
    if (before === null) return false;
    const page = await this.messages(id, { before });
    const thread = this.state.get().threads[id];
    if (thread) this.state.setThread(id, withOlderPage(thread, page));
    return true;
  }

  /** The page after the window's newest message; false when the window already ends at the newest. */
  async loadNewer(id: string): Promise<boolean> {
    const after = newerCursor(this.state.get().threads[id]);
    if (after === null) return false;
    const page = await this.messages(id, { after });
    const thread = this.state.get().threads[id];
    if (thread) this.state.setThread(id, withNewerPage(thread, page));
    return true;
  }

  /**
   * The window around message `seq` (a search hit, a quote), replacing the window: half a page
   * on either side, so the message shows in context and scrolling pages on both ways.
   */
  async loadAround(id: string, seq: number): Promise<void> {
    const half = Math.ceil(PAGE / 2);
    const [older, newer] = await Promise.all([
      this.messages(id, { before: seq + 1 }, half),
      this.messages(id, { after: seq }, half),
    ]);
    this.state.setThread(id, threadAround(older, newer));
  }

  /** Messages of one conversation holding every word of `q`, newest first; `before` a hit's seq pages on. */
  search(id: string, q: string, before?: number): Promise<MessageSearchPage> {
    return this.http<MessageSearchPage>('GET', `/api/chat/conversations/${id}/search${query({ q, before })}`);
  }

  /** Queues a message and sends it; offline it waits and goes, once, when the connection returns. */
  send(conversationId: string, content: string, extras: SendExtras = {}) {
    const item = this.delivery.send(conversationId, content, extras);
    this.typing(conversationId, false);
    return item;
  }

  /** Sends this conversation's draft, if it makes a message yet (text or files, uploads done). */
  sendDraft(conversationId: string, flags: Pick<SendExtras, 'requestAck' | 'urgent'> = {}): boolean {
    const message = this.drafts.take(conversationId);
    if (!message) return false;
    this.send(conversationId, message.content, { ...message, ...flags });
    return true;
  }

  discardPending(clientMessageId: string): void {
    this.delivery.discard(clientMessageId);
  }

  async edit(messageId: string, content: string): Promise<void> {
    const ack = await this.socket.send('chat:edit', { messageId, content });
    if (!ack.ok) throw CareChatError.from(ack.error);
    this.state.applyMessage(ack.message);
  }

  async delete(messageId: string, scope: MessageDeleteInput['scope']): Promise<void> {
    const ack = await this.socket.send('chat:delete', { messageId, scope });
    if (!ack.ok) throw CareChatError.from(ack.error);
  }

  async react(messageId: string, emoji: string, on: boolean): Promise<void> {
    const ack = await this.socket.send('chat:react', { messageId, emoji, on });
    if (!ack.ok) throw CareChatError.from(ack.error);
    this.state.applyMessage(ack.message);
  }

  /** The patient's "I have read this" on a message that asked for it; acknowledging twice changes nothing. */
  async acknowledge(messageId: string): Promise<void> {
    const ack = await this.socket.send('chat:acknowledge', { messageId });
    if (!ack.ok) throw CareChatError.from(ack.error);
    this.state.applyMessage(ack.message);
  }

  /** A clinician's messages still waiting for acknowledgement, into the state (`pendingAcks`). */
  async loadPendingAcknowledgements(): Promise<readonly PendingAcknowledgement[]> {
    const { data } = await this.http<{ data: PendingAcknowledgement[] }>('GET', '/api/acknowledgements/pending');
    this.state.set({ pendingAcks: data });
    return data;
  }

  // ---- receipts and typing --------------------------------------------------------------

  /** Marks everything in the conversation read, when anything is unread and the socket is up. */
  async markRead(id: string): Promise<void> {
    const upToSeq = readUpTo(this.state.get().conversations[id]);
    if (upToSeq === null || this.socket.state !== 'online') return;
    const ack = await this.socket.send('chat:read', { conversationId: id, upToSeq });
    if (ack.ok) this.state.updateConversation(id, (c) => withReadResult(c, ack));
  }

  /** Tells the sender their messages up to `upToSeq` reached this device (new messages do it by themselves). */
  async markDelivered(conversationId: string, upToSeq: number): Promise<void> {
    const ack = await this.socket.send('chat:delivered', { conversationId, upToSeq });
    if (!ack.ok) throw CareChatError.from(ack.error);
  }

  /** A keystroke (true) or a send or pause (false): a start at most every 3 s, a stop after 4 s idle. */
  typing(conversationId: string, active: boolean): void {
    this.typingSignals.set(conversationId, active);
  }

  // ---- attachments and push -------------------------------------------------------------

  /** Uploads a file into a conversation (sent later with `attachments`), reporting progress 0 to 1. */
  async upload(
    conversationId: string,
    file: Blob,
    options: { name?: string; onProgress?: (fraction: number) => void } = {},
  ): Promise<Attachment> {
    const form = new FormData();
    form.append('conversationId', conversationId);
    form.append('file', file, options.name ?? (file as Blob & { name?: string }).name ?? 'file');
    this.options.onActivity?.();
    try {
      return await uploadForm<Attachment>({
        url: `${this.options.url ?? ''}/api/chat/attachments`,
        token: this.token,
        form,
        onProgress: options.onProgress,
      });
    } catch (err) {
      if (err instanceof CareChatError && err.code === 'UNAUTHENTICATED') this.end('unauthenticated');
      throw err;
    }
  }

  /** Where an attachment's bytes (or its thumbnail) are served, for a link or an image. */
  attachmentUrl(id: string, thumbnail = false): string {
    return `${this.options.url ?? ''}/api/chat/attachments/${id}${thumbnail ? '/thumbnail' : ''}`;
  }

  /** Whether attachments need `attachmentBlobUrl`: a bearer token, which a plain URL cannot carry. */
  get usesToken(): boolean {
    return this.token !== undefined;
  }

  /**
   * An attachment (or its thumbnail) fetched with the token and shown through an object URL,
   * shared by every view that shows it; `release` when the view goes (revoked once unused).
   */
  attachmentBlobUrl(id: string, thumbnail = false): AttachmentLease {
    return this.blobs.lease(id, thumbnail);
  }

  /** Web Push: the server's key, this device's subscription on and off, and what a notification shows. */
  readonly push: ReturnType<typeof pushApi>;

  /** E-mail and SMS reminders of unread messages: channels and quiet hours (addresses come from the host). */
  readonly reminders: ReturnType<typeof remindersApi>;
  /** A clinician's saved replies: list (their own and the shared ones), create, update and delete their own. */
  readonly savedReplies: ReturnType<typeof savedRepliesApi>;

  // ---- internals ------------------------------------------------------------------------

  private messages(id: string, cursor: { before?: number; after?: number }, limit = PAGE): Promise<MessagePage> {
    return this.http<MessagePage>('GET', `/api/chat/conversations/${id}/messages${query({ limit, ...cursor })}`);
  }

  /** After each (re)connect: what loaded threads missed, the list, the open thread read, then the outbox. */
  private async resync(): Promise<void> {
    try {
      await this.catchUp.all();
      if (this.state.get().me) await this.loadConversations();
      const openId = this.state.get().openId;
      if (openId) await this.markRead(openId);
    } catch {
      // The next reconnect tries again; the outbox goes meanwhile.
    }
    this.delivery.retryNow();
  }

  /** This person's unsent messages and drafts, from this device's storage. */
  private restore(userId: string): void {
    const key = (name: string) => new PersistedValue(this.storage, `${personPrefix(userId)}${name}`);
    void this.delivery.restore(key('outbox'));
    void this.drafts.restore(key('drafts'));
  }

  /** A conversation I was taken out of: gone from the state, the outbox (here and stored) and the drafts. */
  private forget(conversationId: string): void {
    this.state.set(withoutConversation(this.state.get(), conversationId));
    this.delivery.persist();
    this.drafts.forget(conversationId);
  }

  private closeParts(): void {
    this.blobs.clear();
    this.delivery.close();
    this.drafts.close();
    this.expiry.close();
    this.typingSignals.close();
  }

  /** The session is over, whoever ended it: nothing of this person's stays on the device. */
  private end(reason: SignOutReason): void {
    if (this.ended) return;
    this.ended = true;
    const me = this.state.get().me;
    this.closeParts();
    if (me) void forgetStored(this.storage, me.id);
    this.socket.close();
    this.events.emit('signed-out', { reason });
  }
}
