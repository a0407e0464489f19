import type { ClientToServerEvents, ServerToClientEvents } from '@carechat/protocol';
import type { Server, Socket } from 'socket.io';
import type { Metrics } from '../metrics/metrics.js';
import type { RedisLink } from '../redis/redis-link.js';

export type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** One connection, typed by the same event maps: `on` and `emit` take only the protocol's events. */
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketData {
  actor: import('../context.js').Actor;
  /** Conversations this device has on screen (chat:join). */
  openConversations?: Set<string>;
}

type EndReason = Parameters<ServerToClientEvents['session:ended']>[0]['reason'];

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

// Past this many conversations an outage's catch-up is left to reconnecting clients.
const MAX_MISSED = 50_000;

/**
 * The services' only way to reach sockets. Callers use it after their transaction has
 * committed, so no client hears of a change that rolled back.
 *
 * With Redis, events reach every process through the adapter. While Redis is down they reach
 * this process's sockets only, and the conversations they were about are remembered:
 * `takeMissed` hands them over when fan-out returns, so the people concerned can be told to
 * catch up (their devices on other processes heard nothing).
 */
export class Notifier {
  private missed = new Map<string, Set<string>>();

  constructor(
    readonly io: Io,
    private readonly link: RedisLink | null = null,
    private readonly metrics: Metrics | null = null,
  ) {}

  get degraded(): boolean {
    return this.link !== null && !this.link.isHealthy;
  }

  toUsers<E extends keyof ServerToClientEvents>(
    userIds: string[],
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    if (userIds.length === 0) return;
    const degraded = this.degraded;
    (degraded ? this.io.local : this.io).to(userIds.map(userRoom)).emit(event, ...args);
    if (degraded) this.remember(event, args[0], userIds);
    this.metrics?.emitted.inc({ event, fanout: degraded ? 'degraded' : this.link ? 'cluster' : 'local' });
  }

  /** Conversations (and their people) whose events other processes missed; clears the list. */
  takeMissed(): Map<string, string[]> {
    const missed = new Map([...this.missed].map(([id, users]) => [id, [...users]]));
    this.missed = new Map();
    return missed;
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
    // While degraded only this process's sockets go at once; the others' session checks
    // (the idle sweep, the next event) refuse them on their own.
    const target = this.degraded ? this.io.local : this.io;
    target.to(room).emit('session:ended', { reason, code });
    target.in(room).disconnectSockets(true);
  }

  private remember(event: string, payload: unknown, userIds: string[]): void {
    const p = payload as { conversationId?: unknown; id?: unknown };
    const conversationId = event === 'conversation:updated' ? p.id : p.conversationId;
    if (typeof conversationId !== 'string') return;
    let users = this.missed.get(conversationId);
    if (!users) {
      if (this.missed.size >= MAX_MISSED) return;
      users = new Set();
      this.missed.set(conversationId, users);
    }
    for (const id of userIds) users.add(id);
  }
}
