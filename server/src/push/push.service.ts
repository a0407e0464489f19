import { randomUUID } from 'node:crypto';
import type { PushSettings, PushSubscriptionInput } from '@carechat/protocol';
import type { Actor, Deps } from '../context.js';
import { othersOf } from '../conversations/access.js';
import { AppError } from '../errors.js';
import type { Presence } from '../presence/presence.js';
import type { PushDispatcher } from './push.dispatcher.js';
import * as store from './push.store.js';

/**
 * Web Push subscriptions and the decision to push: a message's recipient with no connected
 * device on any process gets a notice in the outbox, which the dispatcher works off.
 */
export class PushService {
  constructor(
    private readonly deps: Deps,
    private readonly presence: Presence,
    private readonly dispatcher: PushDispatcher,
  ) {}

  get publicKey(): string {
    return this.dispatcher.publicKey;
  }

  async subscribe(actor: Actor, input: PushSubscriptionInput): Promise<void> {
    // The server will POST to this address for as long as the subscription lives: only the
    // browsers' push services, never an address a user chose (an internal host, a metadata
    // service). A plain-HTTP or local endpoint is only for the tests' own push service.
    if (!this.deps.config.pushAllowHttp && !isPushServiceUrl(new URL(input.endpoint)))
      throw new AppError('VALIDATION_FAILED', 'endpoint: must be an https URL of a browser push service');
    await store.upsertSubscription(this.deps.db, {
      id: randomUUID(),
      userId: actor.id,
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
    });
  }

  async unsubscribe(actor: Actor, endpoint: string): Promise<void> {
    await store.deleteSubscription(this.deps.db, actor.id, endpoint);
  }

  async settings(actor: Actor): Promise<PushSettings> {
    return { showSender: await store.showSenderOf(this.deps.db, actor.id), available: true };
  }

  async updateSettings(actor: Actor, showSender: boolean): Promise<PushSettings> {
    await store.setShowSender(this.deps.db, actor.id, showSender);
    return { showSender, available: true };
  }

  /**
   * Called after a message commits; never awaited by the send, and never fails it. Should this
   * process die before the notice is queued, the dispatcher's sweep queues it instead.
   */
  messageSent(conv: { id: string; member_ids: string[] }, senderId: string): void {
    void (async () => {
      let queued = 0;
      for (const recipient of othersOf(conv, senderId)) {
        if (await this.presence.isOnline(recipient)) continue;
        queued += await store.enqueueNotices(this.deps.db, recipient, conv.id, senderId);
      }
      if (queued > 0) this.dispatcher.nudge();
    })().catch((err: unknown) =>
      this.deps.log.warn({ err: { message: (err as Error).message } }, 'push notice not queued'),
    );
  }
}

/** The browsers' Web Push services: Chrome and Edge (FCM), Firefox, Safari, Windows. */
const PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', 'push.services.mozilla.com', 'push.apple.com', 'notify.windows.com'];

function isPushServiceUrl(url: URL): boolean {
  if (url.protocol !== 'https:' || url.username || url.password || (url.port && url.port !== '443')) return false;
  const host = url.hostname.toLowerCase();
  return PUSH_SERVICE_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}
