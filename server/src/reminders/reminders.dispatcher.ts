import type { ClockTimer } from '../clock.js';
import type { Deps } from '../context.js';
import type { Presence } from '../presence/presence.js';
import { channelsOf, PermanentFailure, type ReminderChannel } from './channels.js';
import { openContact } from './contacts.js';
import { reminderText } from './reminder-text.js';
import { claimDue, retryAt, settle, type Channel, type DueReminder } from './reminders.store.js';
import { sweepReminders } from './reminders.sweep.js';
import { sweepAckReminders } from '../acknowledgements/ack-reminders.js';

/** Longer than a send may take (channels.ts): a row leased by a process that died goes again after it. */
const LEASE_MS = 2 * 60_000;
const MAX_ATTEMPTS = 8;
const CLAIM = 20;

export interface ReminderPass {
  queued: number;
  sent: number;
}

/**
 * Works the reminder outbox: every REMINDER_SWEEP_SECONDS (and once at start, for what was
 * due while no process ran) it queues the reminders now due (reminders.sweep.ts), then sends
 * what is due, checking at send time that the message is still unread. Failures are retried
 * with back-off; an address or a channel refusing for good ends the row. Passes run one after
 * another per process; processes share the outbox through leases.
 */
export class ReminderDispatcher {
  private readonly channels: Map<Channel, ReminderChannel>;
  private timer: ClockTimer | undefined;
  private pass: Promise<ReminderPass> = Promise.resolve({ queued: 0, sent: 0 });
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: Deps,
    private readonly presence: Presence,
  ) {
    this.channels = channelsOf(deps.config.reminders);
  }

  /** Runs with no e-mail or SMS channel too: acknowledgement reminders go by push as well. */
  start(): void {
    const tick = () => {
      void this.run().finally(() => {
        if (!this.stopping.signal.aborted)
          this.timer = this.deps.clock.setTimeout(tick, this.deps.config.reminders.everyMs);
      });
    };
    this.timer = this.deps.clock.setTimeout(tick, 0);
  }

  /** Stops the timer and waits for the pass in progress; sends in flight are cut and wait out their lease. */
  async stop(): Promise<void> {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.stopping.abort();
    await this.pass;
    for (const channel of this.channels.values()) channel.close();
  }

  /** One pass after the one in progress, if any: what the timer runs, and the job tests call. */
  run(): Promise<ReminderPass> {
    this.pass = this.pass.then(() =>
      this.passOnce().catch((err: unknown) => {
        this.deps.log.warn({ err: { message: (err as Error).message } }, 'reminder pass failed');
        return { queued: 0, sent: 0 };
      }),
    );
    return this.pass;
  }

  private async passOnce(): Promise<ReminderPass> {
    if (this.stopping.signal.aborted) return { queued: 0, sent: 0 };
    const stopped = () => this.stopping.signal.aborted;
    const channels = new Set(this.channels.keys());
    const queued =
      (channels.size > 0 ? await sweepReminders(this.deps, this.presence, channels, stopped) : 0) +
      (await sweepAckReminders(this.deps, channels, stopped));
    let sent = 0;
    while (!stopped()) {
      const now = this.deps.clock.now();
      const due = await claimDue(this.deps.db, new Date(now), new Date(now + LEASE_MS), CLAIM);
      const results = await Promise.all(due.map((r) => this.deliver(r)));
      sent += results.filter(Boolean).length;
      if (due.length < CLAIM) break;
    }
    if (queued > 0 || sent > 0) this.deps.log.info({ queued, sent }, 'reminders queued and sent');
    // At debug only: tests of a spawned server wait on its passes, not on time.
    this.deps.log.debug({ queued, sent }, 'reminder pass done');
    return { queued, sent };
  }

  /** Sends one reminder or settles why not; true when it went. */
  private async deliver(r: DueReminder): Promise<boolean> {
    const { db, clock, config, log } = this.deps;
    const now = clock.now();
    if (r.stale) return settled(settle(db, r.id, 'read', new Date(now)));
    const channel = this.channels.get(r.channel);
    if (!channel || !r.address || r.keyVersion === null) return settled(settle(db, r.id, 'no-address', new Date(now)));
    // A device came back since the sweep: the person hears of it there. Looked at again later,
    // read by then or not.
    if (await this.presence.isOnline(r.userId)) {
      await retryAt(db, r.id, new Date(now + config.reminders.afterMs));
      return false;
    }
    const field = r.channel === 'email' ? 'email' : 'phone';
    const to = openContact(this.deps.keyring, { userId: r.userId, blob: r.address, keyVersion: r.keyVersion }, field);
    const text = reminderText({
      channel: r.channel,
      role: r.role,
      senderName: r.senderName,
      appUrl: config.reminders.appUrl,
      ack: r.ack,
    });
    try {
      await channel.send({ to, ...text, key: `reminder-${r.id}` }, this.stopping.signal);
    } catch (err) {
      // Stopping: the lease runs out and another process (or this one, restarted) sends it.
      if (this.stopping.signal.aborted) return false;
      // Only a status or an error code is logged: a provider's message can quote the address.
      const code = (err as { code?: string; responseCode?: number }).responseCode ?? (err as { code?: string }).code;
      const permanent = err instanceof PermanentFailure;
      if (permanent || r.attempts >= MAX_ATTEMPTS) {
        log.warn({ channel: r.channel, attempts: r.attempts, code, permanent }, 'reminder not delivered; given up');
        return settled(settle(db, r.id, 'failed', new Date(now)));
      }
      const backoff = Math.min(2 ** r.attempts * 30_000, 30 * 60_000) * (0.75 + Math.random() / 2);
      log.info({ channel: r.channel, attempts: r.attempts, code }, 'reminder not delivered; will retry');
      await retryAt(db, r.id, new Date(now + backoff));
      return false;
    }
    await settle(db, r.id, 'sent', new Date(clock.now()));
    return true;
  }
}

const settled = async (done: Promise<void>): Promise<boolean> => {
  await done;
  return false;
};
