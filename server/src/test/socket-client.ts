import type { ClientToServerEvents, ServerToClientEvents } from '@carechat/protocol';
import { io, type Socket } from 'socket.io-client';

type Event = { name: string; payload: any };

/**
 * A real socket.io-client that records everything it receives, so a test can wait for an
 * event (or assert that none came) without racing its arrival.
 */
export class TestSocket {
  readonly received: Event[] = [];
  private listeners: (() => void)[] = [];

  constructor(readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>) {
    socket.onAny((name: string, payload: unknown) => {
      this.received.push({ name, payload });
      for (const l of [...this.listeners]) l();
    });
  }

  /** Emits with an ack and resolves with the server's answer. */
  emitAck(event: string, ...args: unknown[]): Promise<any> {
    return (this.socket as unknown as Socket).timeout(10_000).emitWithAck(event, ...args);
  }

  /** Resolves with the first received `name` event matching `match` (already or later). */
  waitFor(name: string, match: (payload: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.received.find((e) => e.name === name && match(e.payload));
        if (hit) {
          cleanup();
          resolve(hit.payload);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`timed out waiting for ${name}; got ${this.received.map((e) => e.name).join(', ') || 'nothing'}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
      check();
    });
  }

  /**
   * Resolves once the server has answered an event sent now. One connection keeps its order,
   * so whatever the server emitted to this socket before handling it has arrived: a test can
   * then assert that something did not come, without waiting a fixed time. (Not across
   * processes: an event fanned out through Redis may still be on its way.)
   */
  async roundTrip(): Promise<void> {
    // Leaving a conversation that is not open touches nothing and is always acked.
    const ack = await this.emitAck('chat:leave', { conversationId: '00000000-0000-4000-8000-000000000000' });
    if (!ack?.ok) throw new Error(`round trip refused: ${JSON.stringify(ack)}`);
  }

  all(name: string, match: (payload: any) => boolean = () => true): any[] {
    return this.received.filter((e) => e.name === name && match(e.payload)).map((e) => e.payload);
  }

  close(): void {
    this.socket.close();
  }
}

export interface ConnectOptions {
  token?: string;
  headers?: Record<string, string>;
  transports?: ('websocket' | 'polling')[];
}

/** Connects and waits for the handshake; rejects with the connect_error message. */
export function connectClient(url: string, opts: ConnectOptions): Promise<TestSocket> {
  const socket = io(url, {
    path: '/socket.io',
    transports: opts.transports ?? ['websocket'],
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: opts.headers,
    reconnection: false,
    forceNew: true,
  });
  const client = new TestSocket(socket as Socket<ServerToClientEvents, ClientToServerEvents>);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Waits out the last `marginMs` of a clock minute, for tests of per-minute budgets: a
 * minute's counts start afresh, and a test straddling the turn would see them reset.
 */
export async function clearOfMinuteTurn(marginMs = 15_000): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 60_000 - marginMs) await sleep(60_000 - intoMinute + 100);
}
