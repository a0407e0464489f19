import type { Deps } from '../context.js';
import type { Presence } from '../presence/presence.js';
import { outsideQuietHours } from './quiet-hours.js';
import {
  enqueueReminders,
  findCandidates,
  forgetSettled,
  type Channel,
  type ReminderCandidate,
} from './reminders.store.js';
import { defaultQuietHours } from './reminders.service.js';

const BATCH = 500;
/**
 * How far back the sweep looks for conversations with unread messages. Longer than any quiet
 * hours, so that a reminder deferred overnight is still found; older windows get none.
 */
export const LOOK_BACK_MS = 48 * 3_600_000;

/**
 * Queues a reminder for each person who has left a message unread for REMINDER_AFTER_MINUTES
 * with no device connected, by each channel they chose that has an address, due now or at the
 * end of their quiet hours. Runs in the sweep, never on the send path: a send pays nothing for
 * reminders. Every process runs it; the outbox's unique key per window makes them queue each
 * reminder once between them. Returns how many it queued.
 */
export async function sweepReminders(
  deps: Deps,
  presence: Presence,
  channels: ReadonlySet<Channel>,
  stopped: () => boolean,
): Promise<number> {
  const { config, clock, db } = deps;
  const now = clock.now();
  let queued = 0;
  let after: ReminderCandidate | null = null;
  while (!stopped()) {
    const found = await findCandidates(db, {
      dueBefore: new Date(now - config.reminders.afterMs),
      activeSince: new Date(now - LOOK_BACK_MS),
      limit: BATCH,
      after,
    });
    const last = found.at(-1);
    if (!last) break;
    const online = await presence.onlineAmong([...new Set(found.map((c) => c.userId))]);
    const items = found
      .filter((c) => !online.has(c.userId))
      .flatMap((c) => {
        const dueAt = new Date(outsideQuietHours(now, c.quiet ?? defaultQuietHours(config)));
        return c.channels
          .filter((channel) => channels.has(channel))
          .map((channel) => ({
            conversationId: c.conversationId,
            userId: c.userId,
            readSeq: c.readSeq,
            channel,
            dueAt,
          }));
      });
    if (!stopped()) queued += await enqueueReminders(db, items);
    if (found.length < BATCH) break;
    after = last;
  }
  await forgetSettled(db, new Date(now - 2 * LOOK_BACK_MS));
  return queued;
}
