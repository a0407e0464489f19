import type { ClientToServerEvents, ServerToClientEvents } from '@carechat/protocol';
import type { Server } from 'socket.io';

export type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketData {
  actor: import('../context.js').Actor;
  /** Conversations this device has on screen (chat:join). */
  openConversations?: Set<string>;
}

type EndReason = Parameters<ServerToClientEvents['session:ended']>[0]['reason'];

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * The services' only way to reach sockets. Callers use it after their transaction has
 * committed, so no client hears of a change that rolled back.
 */
export class Notifier {
  constructor(readonly io: Io) {}

  toUsers<E extends keyof ServerToClientEvents>(userIds: string[], event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    if (userIds.length === 0) return;
    this.io.to(userIds.map(userRoom)).emit(event, ...args);
  }

  /** Tells a user's devices their session is over, then disconnects them. */
  endUser(userId: string, reason: EndReason): void {
    this.end(userRoom(userId), reason);
  }

  endSession(sessionId: string, reason: EndReason): void {
    this.end(sessionRoom(sessionId), reason);
  }

  private end(room: string, reason: EndReason): void {
    const code = reason === 'blocked' ? 'USER_BLOCKED' : 'UNAUTHENTICATED';
    this.io.to(room).emit('session:ended', { reason, code });
    this.io.in(room).disconnectSockets(true);
  }
}
