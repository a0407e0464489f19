/**
 * The time the services read and the timers they set, passed in `Deps` so tests can move
 * time (test/fake-clock.ts) instead of waiting it out. Times PostgreSQL stamps with now()
 * stay on the database's clock. One definition for the server and the client SDK (whose
 * timers unref in Node too, so an expiry never keeps a process alive): the server's fake
 * clock drives both in tests.
 */
export { systemClock, type Clock, type ClockTimer } from '@carechat/client/clock';
