import type {
  Ack,
  ClientEventAck,
  ClientEventInput,
  ClientEventName,
  ClientToServerEvents,
  ServerToClientEvents,
} from '@carechat/protocol';
import { io, type Socket } from 'socket.io-client';
import { CareChatError } from './errors.js';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface SocketOptions {
  /** The server's origin; undefined for the page's own. */
  url: string | undefined;
  /** Read at every (re)connection, so a swapped token is the one the next handshake carries. */
  token: () => string | undefined;
  /** Each event the person sends (not the automatic delivery receipts). */
  onActivity?: () => void;
}

export type ChatSocketIo = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The only owner of the socket. A token goes in the handshake's `auth`; without one the
 * session cookie authenticates (same origin). socket.io reconnects by itself and the client
 * catches up on each reconnect.
 */
export class ChatSocket {
  readonly socket: ChatSocketIo;
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  state: ConnectionState = 'connecting';

  constructor(private readonly options: SocketOptions) {
    const token = options.token;
    const settings = {
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      withCredentials: !token(),
      auth: (cb: (data: object) => void) => {
        const t = token();
        cb(t ? { token: t } : {});
      },
    };
    this.socket = options.url ? io(options.url, settings) : io(settings);
    this.socket.on('connect', () => this.setState('online'));
    this.socket.on('disconnect', () => this.setState('offline'));
    this.socket.on('connect_error', () => this.setState('offline'));
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Emits with an ack; rejects on time-out or when offline, so callers keep the item pending. */
  send<E extends ClientEventName>(
    event: E,
    payload: ClientEventInput<E>,
    timeoutMs = 10_000,
  ): Promise<ClientEventAck<E> & Ack> {
    if (!this.socket.connected) return Promise.reject(new CareChatError('OFFLINE', 'Not connected'));
    if (event !== 'chat:delivered') this.options.onActivity?.();
    const untyped = this.socket.timeout(timeoutMs) as unknown as Socket;
    return (untyped.emitWithAck(event, payload) as Promise<ClientEventAck<E> & Ack>).catch(() => {
      throw new CareChatError('TIMEOUT', 'The server did not answer in time');
    });
  }

  /** A new handshake now (a swapped token): the server drops a connection at its token's expiry. */
  reconnect(): void {
    this.socket.disconnect().connect();
  }

  close(): void {
    this.socket.close();
  }

  private setState(s: ConnectionState): void {
    if (s === this.state) return;
    this.state = s;
    this.stateListeners.forEach((l) => l(s));
  }
}
