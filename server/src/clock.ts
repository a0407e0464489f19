/**
 * The time the services read and the timers they set, passed in `Deps` so tests can move
 * time (test/fake-clock.ts) instead of waiting it out. Times PostgreSQL stamps with now()
 * stay on the database's clock. One definition for the server and the client SDK (whose
 * timers unref in Node too, so an expiry never keeps a process alive): the server's fake
 * clock drives both in tests.
 */
import type { Clock, ClockTimer } from '@carechat/client/clock';

export { systemClock, type Clock, type ClockTimer } from '@carechat/client/clock';

/** A repeating timer `every` started. */
export interface Repeating {
  stop(): void;
}

/**
 * Runs `fn` every `ms` on `clock`, as setInterval does (the next run is set as one starts, at
 * least 1 ms on), so a FakeClock's `advance` runs each one that falls due. Built on the
 * Clock's one-off timer so the client SDK's Clock, which callers may implement, needs no more.
 */
export function every(clock: Clock, ms: number, fn: () => void): Repeating {
  const period = Math.max(1, ms);
  let timer: ClockTimer | undefined;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    timer = clock.setTimeout(run, period);
    fn();
  };
  timer = clock.setTimeout(run, period);
  return {
    stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
    },
  };
}
