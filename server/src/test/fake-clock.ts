import type { Clock, ClockTimer } from '../clock.js';

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
