import type { Message, User } from '@carechat/protocol';
import type { Clock } from './clock.js';
import type { Emitter } from './emitter.js';
import type { Http } from './http.js';
import type { ChatSocket } from './socket.js';
import type { StateContainer } from './state.js';

export type SignOutReason = 'sign-out' | 'expired' | 'blocked' | 'deleted' | 'unauthenticated';

/** The events a host listens to (`client.on(name, listener)`). */
export interface ClientEvents {
  /** The total of unread messages over the known conversations changed (a badge). */
  unread: { total: number };
  /** A conversation was opened in this client. */
  'conversation-opened': { conversationId: string };
  /** The session ended: here (sign-out), or by the server (expired, blocked, deleted, a refused token). */
  'signed-out': { reason: SignOutReason };
  /** The session or token ends at `expiresAt` unless `setToken` hands a fresh one. */
  'token-expiring': { expiresAt: string };
  /** A message from someone else arrived. */
  message: Message;
}

/** What the client's parts share: its state, its transports and its clock. */
export interface Core {
  readonly state: StateContainer;
  readonly http: Http;
  readonly socket: ChatSocket;
  readonly clock: Clock;
  readonly events: Emitter<ClientEvents>;
  /** Whether the person can see the page now (a message in the open conversation counts as read). */
  readonly isVisible: () => boolean;
  me(): User | null;
}
