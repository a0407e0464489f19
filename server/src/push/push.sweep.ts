import type { Deps } from '../context.js';
import type { Presence } from '../presence/presence.js';
import { enqueueMissedNotices, findMissedPushes, type MissedPush } from './push.store.js';

const BATCH = 500;

/**
 * Queues the pushes the fast path never queued. `PushService.messageSent` runs after the send
 * commits and off the send path, so a process that dies between the commit and the outbox
 * insert loses the push; the message row survives, still undelivered to its recipient, with
 * push_queued_seq behind it. This finds those (sent long enough ago that the fast path and the
 * recipient's own delivery receipt have had their turn), leaves out recipients with a device
 * connected to any process, and queues the rest as the fast path would have. Every process
 * runs it; the conditional, row-locked enqueue makes them queue each message once between them.
 * Returns the number of notices queued.
 */
export async function sweepMissedPushes(deps: Deps, presence: Presence, stopped: () => boolean): Promise<number> {
  const config = deps.config.pushSweep;
  let queued = 0;
  let after: MissedPush | null = null;
  while (!stopped()) {
    const missed = await findMissedPushes(deps.db, {
      windowMs: config.windowMs,
      afterMs: config.afterMs,
      limit: BATCH,
      after,
    });
    const last = missed.at(-1);
    if (!last) break;
    // Not marked when online: should the device go away without acknowledging delivery, a
    // later pass still pushes.
    const online = await presence.onlineAmong([...new Set(missed.map((m) => m.recipientId))]);
    if (!stopped())
      queued += await enqueueMissedNotices(
        deps.db,
        missed.filter((m) => !online.has(m.recipientId)),
      );
    if (missed.length < BATCH) break;
    after = last;
  }
  return queued;
}
