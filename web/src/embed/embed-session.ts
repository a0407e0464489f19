import { memoryStorage, totalUnread, type TransportCode } from '@carechat/client';
import type { EmbedHostMessage, User } from '@carechat/protocol';
import { apiWithToken, ApiError } from '../api/http.js';
import { setBearerToken } from '../api/bearer.js';
import type { Me } from '../auth/me.js';
import { ChatStore } from '../chat/store.js';
import type { HostLink } from './host-link.js';
import { jwtExpiry, whenExpiring } from './token-expiry.js';

const isTransport = (code: string): code is TransportCode => ['NETWORK', 'TIMEOUT', 'OFFLINE'].includes(code);

/** What the frame shows: waiting for the host's token, refused, signed out, or the chat. */
export type EmbedView =
  | { kind: 'waiting' }
  | { kind: 'failed'; code: string }
  | { kind: 'signed-out' }
  | { kind: 'chat'; store: ChatStore; notice: string | null };

/**
 * The frame's session: takes the host's JWT from `carechat:auth`, keeps it in memory as the
 * bearer token of every request and of the socket (no cookie, no storage), and tells the host
 * what the contract says (protocol.md, "Embedding"). The chat itself is the web app's store.
 */
export class EmbedSession {
  private view: EmbedView = { kind: 'waiting' };
  private readonly listeners = new Set<() => void>();
  private me: User | null = null;
  private cancelExpiring: () => void = () => undefined;
  private stopWatching: () => void = () => undefined;
  /** `with=` is honoured once, at the first sign-in. */
  private openAtStart: string | null;

  constructor(
    private readonly host: HostLink,
    withUserId: string | null,
  ) {
    this.openAtStart = withUserId;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.view;

  /** Listens to the host and tells it the frame is ready for a token. */
  start(): void {
    this.host.listen((message) => void this.handle(message));
    // The store's socket heard that the session ended (idle expiry, blocked, token expired).
    window.addEventListener('carechat:signed-out', () => this.ended());
    this.host.post({ type: 'carechat:ready' });
  }

  // One branch per host message of the contract, which is fixed at three.
  private async handle(message: EmbedHostMessage): Promise<void> {
    if (message.type === 'carechat:auth') await this.authenticate(message.token);
    else if (message.type === 'carechat:open') await this.openWith(message.withUserId);
    else await this.signOut();
  }

  /**
   * A token is checked before it replaces anything: a refused one leaves a working session as
   * it was. The same person's fresh token replaces the old without a reload (the socket
   * reconnects with it); another person's starts a new chat.
   */
  private async authenticate(token: string): Promise<void> {
    let me: Me;
    try {
      me = await apiWithToken(token)<Me>('GET', '/api/auth/me');
    } catch (err) {
      // No answer at all (offline, timed out) is one code for the host: NETWORK.
      const code = !(err instanceof ApiError) ? 'INTERNAL' : isTransport(err.code) ? 'NETWORK' : err.code;
      this.host.post({ type: 'carechat:auth-failed', code });
      if (this.view.kind !== 'chat') this.set({ kind: 'failed', code });
      return;
    }
    const continuing = this.view.kind === 'chat' && this.me?.id === me.user.id;
    if (!continuing) await this.endChat(true);
    setBearerToken(token);
    // The same person's fresh token: the chat's requests and its socket's next handshake carry it.
    if (continuing && this.view.kind === 'chat') await this.view.store.client.setToken(token).catch(() => undefined);
    this.me = me.user;
    this.cancelExpiring();
    const expiresAt = jwtExpiry(token);
    if (expiresAt !== null)
      this.cancelExpiring = whenExpiring(expiresAt, () =>
        this.host.post({ type: 'carechat:token-expiring', expiresAt: new Date(expiresAt).toISOString() }),
      );
    this.host.post({ type: 'carechat:signed-in', user: me.user });
    if (continuing && this.view.kind === 'chat') {
      this.host.post({ type: 'carechat:unread', count: totalUnread(this.view.store.getSnapshot().conversations) });
      return;
    }
    const store = new ChatStore(me.user, { token, storage: memoryStorage(), push: false });
    this.set({ kind: 'chat', store, notice: null });
    await store.client.loadConversations().catch(() => undefined);
    this.stopWatching = this.watch(store);
    const withUserId = this.openAtStart;
    this.openAtStart = null;
    if (withUserId) await this.openWith(withUserId);
  }

  /** Tells the host the total unread (now, and at each change) and each conversation opened. */
  private watch(store: ChatStore): () => void {
    let unread = totalUnread(store.getSnapshot().conversations);
    let openId = store.getSnapshot().openId;
    this.host.post({ type: 'carechat:unread', count: unread });
    return store.subscribe(() => {
      const state = store.getSnapshot();
      const count = totalUnread(state.conversations);
      if (count !== unread) this.host.post({ type: 'carechat:unread', count: (unread = count) });
      if (state.openId !== openId && (openId = state.openId))
        this.host.post({ type: 'carechat:conversation', conversationId: state.openId });
    });
  }

  /** Opens the conversation with this person, starting it when there is none yet. */
  private async openWith(userId: string): Promise<void> {
    if (this.view.kind !== 'chat') {
      this.openAtStart = userId;
      return;
    }
    const { store } = this.view;
    try {
      await store.client.open(await store.client.startConversation(userId));
      this.setNotice(null);
    } catch (err) {
      this.setNotice(err instanceof Error ? err.message : 'That conversation could not be opened');
    }
  }

  /**
   * The host signs the person out. Drafts go first and the socket is closed before the server
   * ends the session, so the frame does not hear its own sign-out back as a second one.
   */
  private async signOut(): Promise<void> {
    if (this.view.kind === 'chat') await this.endChat(true);
    this.set({ kind: 'signed-out' });
    this.host.post({ type: 'carechat:signed-out' });
  }

  /** The server ended the session. */
  private ended(): void {
    if (this.view.kind !== 'chat') return;
    void this.endChat(false);
    this.set({ kind: 'signed-out' });
    this.host.post({ type: 'carechat:signed-out' });
  }

  /** The store's sign-out wipes what was unsent and ends the session; without `endSession` it only stops. */
  private async endChat(endSession: boolean): Promise<void> {
    if (this.view.kind !== 'chat') return;
    const { store } = this.view;
    this.stopWatching();
    this.cancelExpiring();
    if (endSession) await store.logout();
    else store.close();
    setBearerToken(null);
    this.me = null;
  }

  private setNotice(notice: string | null): void {
    if (this.view.kind === 'chat' && this.view.notice !== notice) this.set({ ...this.view, notice });
  }

  private set(view: EmbedView): void {
    this.view = view;
    this.listeners.forEach((l) => l());
  }
}
