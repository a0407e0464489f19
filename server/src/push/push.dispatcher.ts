import { createHash } from 'node:crypto';
import type { PushPayload } from '@carechat/protocol';
import webpush from 'web-push';
import type { Deps } from '../context.js';
import { claimDueNotices, deleteSubscriptionById, dropNotice, markSent, retryNoticeIn, type DueNotice } from './push.store.js';
import type { VapidKeys } from './vapid.js';

/** A device hears about a conversation at most once a minute; later notices in it collapse. */
const COLLAPSE_MS = 60_000;
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
const SEND_TIMEOUT_MS = 10_000;
/** Undelivered pushes wait at the push service for a day at most. */
const TTL_SECONDS = 86_400;

/** RFC 8030 Topic: at most 32 URL-safe base64 characters; a newer push replaces an undelivered one. */
const topicOf = (conversationId: string) => createHash('sha256').update(conversationId).digest('base64url').slice(0, 32);

/**
 * Works off the push outbox after commit, never on the send path: sends through the push
 * service (payload encrypted with aes128gcm, VAPID-signed, by `web-push`), retries 5xx, 429
 * and network failures with exponential backoff, and forgets subscriptions the service
 * answers 404 or 410 for.
 */
export class PushDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;

  constructor(
    private readonly deps: Deps,
    private readonly vapid: VapidKeys,
  ) {}

  get publicKey(): string {
    return this.vapid.publicKey;
  }

  start(pollMs = 1000): void {
    this.timer = setInterval(() => this.nudge(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Works the outbox now (notices were just written); one pass at a time per process. */
  nudge(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.drain()
      .catch((err: unknown) => this.deps.log.warn({ err: { message: (err as Error).message } }, 'push outbox pass failed'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = await claimDueNotices(this.deps.db, 20, LEASE_MS);
      if (due.length === 0) return;
      await Promise.all(due.map((n) => this.deliver(n)));
    }
  }

  private async deliver(n: DueNotice): Promise<void> {
    const { db, log } = this.deps;
    if (n.last_sent_at && Date.now() - n.last_sent_at.getTime() < COLLAPSE_MS) return dropNotice(db, n.id);
    const payload: PushPayload = {
      title: 'New secure message',
      conversationId: n.conversation_id,
      ...(n.show_sender && n.sender_name ? { senderName: n.sender_name } : {}),
    };
    let status: number | null = null;
    try {
      const req = webpush.generateRequestDetails({ endpoint: n.endpoint, keys: { p256dh: n.p256dh, auth: n.auth } }, JSON.stringify(payload), {
        vapidDetails: this.vapid,
        TTL: TTL_SECONDS,
        urgency: 'high',
        topic: topicOf(n.conversation_id),
      });
      // fetch sets Content-Length itself (and speaks to a test's plain-HTTP push service too).
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.toLowerCase() !== 'content-length').map(([k, v]) => [k, String(v)]));
      const res = await fetch(req.endpoint, { method: req.method, headers, body: new Uint8Array(req.body as Buffer), signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      status = res.status;
    } catch {
      // Network failure or timeout: retried below like a 5xx.
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
