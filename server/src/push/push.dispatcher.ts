import { createHash } from 'node:crypto';
import type { PushPayload } from '@carechat/protocol';
import webpush from 'web-push';
import { every, type Repeating } from '../clock.js';
import type { Deps } from '../context.js';
import type { Presence } from '../presence/presence.js';
import { sweepMissedPushes } from './push.sweep.js';
import {
  claimDueNotices,
  deleteSubscriptionById,
  dropNotice,
  markSent,
  retryNoticeIn,
  type DueNotice,
} from './push.store.js';
import type { VapidKeys } from './vapid.js';

/** A device hears about a conversation at most once a minute; later notices in it collapse. */
const COLLAPSE_MS = 60_000;
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
const SEND_TIMEOUT_MS = 10_000;
/** Requests to push services at once per process: a slow or hanging one holds up no other. */
const MAX_IN_FLIGHT = 50;
/** Undelivered pushes wait at the push service for a day at most. */
const TTL_SECONDS = 86_400;

/** RFC 8030 Topic: at most 32 URL-safe base64 characters; a newer push replaces an undelivered one. */
const topicOf = (conversationId: string) =>
  createHash('sha256').update(conversationId).digest('base64url').slice(0, 32);

/**
 * Works off the push outbox after commit, never on the send path: sends through the push
 * service (payload encrypted with aes128gcm, VAPID-signed, by `web-push`), retries 5xx, 429
 * and network failures with exponential backoff, and forgets subscriptions the service
 * answers 404 or 410 for. It also runs the sweep that queues what the fast path lost
 * (push.sweep.ts): once at start, then every few seconds.
 */
export class PushDispatcher {
  /** On the services' clock (deps.clock), so tests move time instead of waiting it out. */
  private poll: Repeating | undefined;
  private sweepTimer: Repeating | undefined;
  private running = false;
  private again = false;
  private sweeping = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted on stop: requests in flight end, and their notices wait out their lease. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: Deps,
    private readonly vapid: VapidKeys,
    private readonly presence: Presence,
  ) {}

  get publicKey(): string {
    return this.vapid.publicKey;
  }

  start(pollMs = 1000): void {
    this.poll = every(this.deps.clock, pollMs, () => this.nudge());
    this.sweepTimer = every(this.deps.clock, this.deps.config.pushSweep.everyMs, () => this.sweep());
    this.sweep();
  }

  stop(): void {
    this.poll?.stop();
    this.sweepTimer?.stop();
    this.stopping.abort();
  }

  /** One sweep at a time per process; a pass still running when the next is due absorbs it. */
  private sweep(): void {
    if (this.sweeping || this.stopping.signal.aborted) return;
    this.sweeping = true;
    sweepMissedPushes(this.deps, this.presence, () => this.stopping.signal.aborted)
      .then((queued) => {
        // At debug only: tests of the sweep wait on its passes, not on time.
        this.deps.log.debug({ queued }, 'push sweep pass done');
        if (queued === 0) return;
        this.deps.log.info({ queued }, 'push sweep queued notices the fast path had missed');
        this.nudge();
      })
      .catch((err: unknown) => this.deps.log.warn({ err: { message: (err as Error).message } }, 'push sweep failed'))
      .finally(() => {
        this.sweeping = false;
      });
  }

  /** Works the outbox now (notices were just written); one pass at a time per process. */
  nudge(): void {
    if (this.stopping.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.drain()
      .catch((err: unknown) =>
        this.deps.log.warn({ err: { message: (err as Error).message } }, 'push outbox pass failed'),
      )
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /**
   * Claims what is due while there is room and returns without waiting for the requests:
   * each finishes on its own, so one push service that never answers (until the timeout)
   * delays no other device's push.
   */
  private async drain(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const room = MAX_IN_FLIGHT - this.inFlight.size;
      if (room <= 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      const due = await claimDueNotices(this.deps.db, Math.min(room, 20), LEASE_MS);
      if (due.length === 0) return;
      for (const n of due) {
        const delivery: Promise<void> = this.deliver(n)
          .catch((err: unknown) =>
            this.deps.log.warn({ err: { message: (err as Error).message } }, 'push notice not settled'),
          )
          .finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
  }

  private async deliver(n: DueNotice): Promise<void> {
    const { db, log } = this.deps;
    if (n.last_sent_at && this.deps.clock.now() - n.last_sent_at.getTime() < COLLAPSE_MS) return dropNotice(db, n.id);
    const payload: PushPayload = {
      title: n.ack ? 'Please confirm you have read a secure message' : 'New secure message',
      conversationId: n.conversation_id,
      ...(n.show_sender && n.sender_name ? { senderName: n.sender_name } : {}),
    };
    let status: number | null = null;
    try {
      const req = webpush.generateRequestDetails(
        { endpoint: n.endpoint, keys: { p256dh: n.p256dh, auth: n.auth } },
        JSON.stringify(payload),
        {
          vapidDetails: this.vapid,
          TTL: TTL_SECONDS,
          urgency: 'high',
          topic: topicOf(n.conversation_id),
        },
      );
      // fetch sets Content-Length itself (and speaks to a test's plain-HTTP push service too).
      const headers = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([k]) => k.toLowerCase() !== 'content-length')
          .map(([k, v]) => [k, String(v)]),
      );
      // A redirect is not followed: it could lead anywhere, a push service has no reason to send one.
      const res = await fetch(req.endpoint, {
        method: req.method,
        headers,
        body: new Uint8Array(req.body as Buffer),
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(SEND_TIMEOUT_MS), this.stopping.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      status = res.status;
    } catch {
      // Network failure or timeout: retried below like a 5xx. Stopping: the lease runs out
      // and another process (or this one, restarted) sends it.
      if (this.stopping.signal.aborted) return;
    }
    if (status !== null && status >= 200 && status < 300) return markSent(db, n);
    if (status === 404 || status === 410) {
      log.info({ status }, 'push subscription gone; removed');
      return deleteSubscriptionById(db, n.subscription_id);
    }
    const retryable = status === null || status === 429 || status >= 500;
    if (!retryable || n.attempts >= MAX_ATTEMPTS) {
      log.warn({ status, attempts: n.attempts }, 'push notice dropped');
      return dropNotice(db, n.id);
    }
    const backoff = Math.min(2 ** n.attempts * 1000, 10 * 60_000);
    await retryNoticeIn(db, n.id, backoff * (0.75 + Math.random() / 2));
  }
}
