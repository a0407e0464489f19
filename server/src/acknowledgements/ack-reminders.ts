import type { Deps } from '../context.js';
import { withTransaction } from '../db/pool.js';
import { outsideQuietHours } from '../reminders/quiet-hours.js';
import type { Channel } from '../reminders/reminders.store.js';
import { defaultQuietHours } from '../reminders/reminders.service.js';
import {
  findAckRoundsDue,
  queueAckPush,
  queueAckReminders,
  takeAckRound,
  type AckRoundDue,
} from './ack-reminders.store.js';

const BATCH = 200;

/**
 * Reminds patients of messages waiting for their acknowledgement: a round every
 * ACK_REMINDER_MINUTES after the message (or the round before), ACK_REMINDER_LIMIT rounds at
 * most. The first round goes by Web Push alone to a patient with a subscribed device (the
 * gentlest nudge); later rounds, and every round of a patient without one, also by the e-mail
 * and SMS channels they chose, through the reminder outbox (PHI-free texts, retried, checked
 * again at send time: an acknowledged message is never reminded of). No round starts in the
 * patient's quiet hours; it waits for their end. A round with nowhere to go is not counted.
 * Runs in the reminder pass on every process; counting a round is conditional on the count
 * read, so processes take each round once between them. Returns the rows queued.
 */
export async function sweepAckReminders(
  deps: Deps,
  channels: ReadonlySet<Channel>,
  stopped: () => boolean,
): Promise<number> {
  const { config, clock, db } = deps;
  const { intervalMs, limit } = config.ackReminders;
  if (limit === 0) return 0;
  const now = clock.now();
  let queued = 0;
  let after: string | null = null;
  while (!stopped()) {
    const due = await findAckRoundsDue(db, { dueBefore: new Date(now - intervalMs), limit, batch: BATCH, after });
    for (const r of due) {
      if (stopped()) break;
      const quiet =
        r.quietStart === null || r.quietEnd === null || r.timeZone === null
          ? defaultQuietHours(config)
          : { start: r.quietStart, end: r.quietEnd, timeZone: r.timeZone };
      if (outsideQuietHours(now, quiet) !== now) continue;
      queued += await queueRound(deps, r, channelsFor(r, channels), new Date(now));
    }
    const last = due.at(-1);
    if (!last || due.length < BATCH) break;
    after = last.messageId;
  }
  return queued;
}

/** The e-mail and SMS channels of this patient this server has. */
const channelsFor = (r: AckRoundDue, configured: ReadonlySet<Channel>): Channel[] =>
  (['email', 'sms'] as const).filter((c) => r[c] && configured.has(c));

async function queueRound(deps: Deps, r: AckRoundDue, channels: Channel[], at: Date): Promise<number> {
  // Push alone for a first round when there is a device; e-mail and SMS otherwise and after.
  const byMail = r.push && r.sent === 0 ? [] : channels;
  if (!r.push && byMail.length === 0) return 0;
  return withTransaction(deps.db, async (tx) => {
    const round = await takeAckRound(tx, r.messageId, r.sent, at);
    if (round === null) return 0;
    const pushes = r.push ? await queueAckPush(tx, r) : 0;
    return pushes + (await queueAckReminders(tx, r, round, byMail, at));
  });
}
