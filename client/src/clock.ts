/** A timer a `Clock` started; only that clock can cancel it. */
export type ClockTimer = object;

/**
 * The time the client reads and the timers it sets (retries, typing, token expiry), injected
 * so tests move time instead of waiting. The server's services take this same Clock
 * (server/src/clock.ts re-exports it), so its FakeClock drives a client too.
 */
export interface Clock {
  /** Epoch milliseconds, as Date.now(). */
  now(): number;
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** The machine's clock. In Node a pending retry or expiry never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
    (timer as { unref?: () => void }).unref?.();
    return timer as unknown as ClockTimer;
  },
  clearTimeout: (timer) => clearTimeout(timer as unknown as ReturnType<typeof setTimeout>),
};
