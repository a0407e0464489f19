import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@carechat/protocol';
import { io, type Socket } from 'socket.io-client';
import { activity } from './http.js';

export type ConnectionState = 'connecting' | 'online' | 'offline';
type ClientEvent = keyof ClientToServerEvents;
type Payload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends ClientEvent> = Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0];

/**
 * The only owner of the socket. Same-origin, so the session cookie authenticates the
 * handshake; socket.io reconnects by itself and the store catches up on reconnect.
 */
export class ChatSocket {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private stateListeners = new Set<(s: ConnectionState) => void>();
  state: ConnectionState = 'connecting';

  constructor() {
    this.socket = io({ path: '/socket.io', transports: ['websocket', 'polling'], withCredentials: true });
    this.socket.on('connect', () => this.setState('online'));
    this.socket.on('disconnect', () => this.setState('offline'));
    this.socket.on('connect_error', () => this.setState('offline'));
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Emits with an ack; rejects on time-out or when offline, so callers keep the item pending. */
  send<E extends ClientEvent>(event: E, payload: Payload<E>, timeoutMs = 10_000): Promise<AckOf<E> & Ack> {
    if (!this.socket.connected) return Promise.reject(new Error('offline'));
    // Delivery receipts go out by themselves; everything else is the person acting.
    if (event !== 'chat:delivered') activity.last = Date.now();
    return (this.socket.timeout(timeoutMs) as unknown as Socket).emitWithAck(event, payload) as Promise<AckOf<E> & Ack>;
  }

  close(): void {
    this.socket.close();
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    this.stateListeners.forEach((l) => l(s));
  }
}
