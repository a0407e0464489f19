import type { Clock } from '../clock.js';

/** A token bucket: `capacity` events, refilled evenly over `windowMs` of `clock`'s time. One per socket. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {
    this.tokens = capacity;
    this.last = clock.now();
  }

  take(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.capacity) / this.windowMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const REFUSED = Object.freeze({
  ok: false,
  error: Object.freeze({ code: 'RATE_LIMITED', message: 'Too many events; slow down' }),
});

/**
 * A socket's event budget, applied to every event before any handler (an event no handler
 * knows included): past it the event is answered RATE_LIMITED from a ready-made ack, with no
 * parse, no database, no log line. A socket refused twice its budget's worth within the
 * window (and at least 100 times) is flooding, not busy, and is disconnected: a client that
 * retries its refused sends, even briskly (the web app's queue), stays far below that.
 */
export function eventBudget({
  perWindow,
  windowMs,
  clock,
  onRefused,
  onFlooding,
}: {
  perWindow: number;
  windowMs: number;
  /** The services' clock (deps.clock): a test refills the budget by moving it. */
  clock: Clock;
  /** Each event refused over the budget (counted in metrics). */
  onRefused: () => void;
  /** Once, when the socket has gone on far past its budget (it is disconnected). */
  onFlooding: () => void;
}) {
  const budget = new TokenBucket(perWindow, windowMs, clock);
  const patience = new TokenBucket(Math.max(2 * perWindow, 100), windowMs, clock);
  let flooding = false;
  return (packet: unknown[], next: (err?: Error) => void): void => {
    if (budget.take()) return next();
    onRefused();
    const ack = packet[packet.length - 1];
    if (typeof ack === 'function') (ack as (answer: typeof REFUSED) => void)(REFUSED);
    if (!patience.take() && !flooding) {
      flooding = true;
      onFlooding();
    }
  };
}
