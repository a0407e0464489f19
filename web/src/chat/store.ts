import type { User } from '@carechat/protocol';
import { CareChatClient, type ChatSocket, type ClientState, type ClientStorage } from '@carechat/client';
import { noteActivity } from '../api/http.js';
import { devicePush } from '../notifications/push.js';

/**
 * The app's chat session: the client SDK (which the kit renders and which owns the only path
 * to the server) wired to the app, its activity for the idle warning, its sign-out event, and
 * push turned off at sign-out.
 */
export class ChatStore {
  readonly client: CareChatClient;
  /** Set while this page signs out: the session's end is then no surprise to announce. */
  private signingOut = false;

  /**
   * In the /embed frame: the host's `token` instead of the cookie, `storage` in memory (nothing
   * of the person's kept in a third-party frame), and no `push` (it belongs to the host's page).
   */
  constructor(
    me: User,
    private readonly options: { token?: string; storage?: ClientStorage; push?: boolean } = {},
  ) {
    this.client = new CareChatClient({
      user: me,
      onActivity: noteActivity,
      token: options.token,
      storage: options.storage,
    });
    // The server ended the session (elsewhere, idle, blocked) or refused it: the app shows sign-in.
    this.client.on('signed-out', () => {
      if (!this.signingOut) window.dispatchEvent(new CustomEvent('carechat:signed-out'));
    });
  }

  /** The socket (end-to-end tests drop its connection to play offline). */
  get socket(): ChatSocket {
    return this.client.socket;
  }

  subscribe = (listener: () => void) => this.client.subscribe(listener);
  getSnapshot = (): ClientState => this.client.getSnapshot();

  close(): void {
    this.client.close();
  }

  async logout(): Promise<void> {
    this.signingOut = true;
    // A shared computer must not go on notifying the person who just left.
    await this.client.signOut(this.options.push === false ? undefined : devicePush.unsubscribe);
  }
}
