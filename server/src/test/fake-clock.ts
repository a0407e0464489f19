import type { Clock, ClockTimer } from '../clock.js';
import type { Queryable } from '../db/pool.js';

interface Pending {
  at: number;
  fn: () => void;
}

/**
 * A clock that stands still until a test moves it (as Synapse's tests do): `advance` runs the
 * timers that fall due, in order, each at its own time. Starts at the real time, so times it
 * stamps compare sensibly with the database's now().
 */
export class FakeClock implements Clock {
  private time: number;
  private readonly pending = new Map<ClockTimer, Pending>();

  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer = {};
    this.pending.set(timer, { at: this.time + Math.max(0, ms), fn });
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.pending.delete(timer);
  }

  /** Moves time on by `ms`, running every timer due by then (those they set included). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [ClockTimer, Pending] | undefined;
      for (const entry of this.pending) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.pending.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

/**
 * Lets `ms` pass for `userId`'s sessions: their rows go back by `ms` (PostgreSQL counts idle
 * time with its own now()), then the services' clock moves on, running the session sweep.
 */
export async function elapseForSessions(db: Queryable, clock: FakeClock, userId: string, ms: number): Promise<void> {
  await db.query(
    `UPDATE sessions SET last_active_at = last_active_at - $2 * interval '1 millisecond' WHERE user_id = $1`,
    [userId, ms],
  );
  clock.advance(ms);
}
