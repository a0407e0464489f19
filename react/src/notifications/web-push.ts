import type { CareChatClient } from '@carechat/client';
import { en, type Strings } from '../i18n/en.js';

/** The server's side of Web Push (`client.push`, or `pushApi(http)` where no chat client is running). */
export type PushServer = Pick<CareChatClient['push'], 'publicKey' | 'register' | 'unregister'>;

/** Whether this browser can receive Web Push at all (service workers, PushManager, Notification). */
export const pushSupported = () =>
  typeof navigator !== 'undefined' &&
  'serviceWorker' in navigator &&
  'PushManager' in window &&
  'Notification' in window;

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

type PushWords = Pick<Strings, 'pushUnsupported' | 'pushBlocked' | 'pushFailed' | 'pushOffFailed'>;

/**
 * This browser's push subscription, registered with the server. The page's service worker
 * (the host's, or the app's /sw.js) shows the notifications; errors are in the person's words.
 */
export function webPush(server: PushServer, words: PushWords = en) {
  return {
    isSubscribed: async (): Promise<boolean> => (await currentSubscription()) !== null,

    /** Asks for permission, subscribes this browser and registers it with the server. */
    async subscribe(): Promise<void> {
      if (!pushSupported()) throw new Error(words.pushUnsupported);
      if ((await Notification.requestPermission()) !== 'granted') throw new Error(words.pushBlocked);
      const reg = await navigator.serviceWorker.ready;
      const publicKey = await server.publicKey();
      // The browser's own push service may refuse (blocked, no connection to it): its message
      // ("Registration failed - …") means nothing to a patient.
      const sub =
        (await reg.pushManager.getSubscription()) ??
        (await reg.pushManager
          .subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) })
          .catch(() => {
            throw new Error(words.pushFailed);
          }));
      await server.register(sub.toJSON());
    },

    /**
     * Stops notifications on this browser: on request, and at sign-out (a shared computer).
     * Rejects, in the person's words, when this browser may still be notified.
     */
    async unsubscribe(): Promise<void> {
      let sub: PushSubscription | null;
      try {
        sub = await currentSubscription();
      } catch {
        throw new Error(words.pushOffFailed);
      }
      if (!sub) return;
      // Either removal is enough: a subscription the server forgot gets no more pushes, and one the
      // browser dropped has a dead endpoint (the server removes it at the push service's "gone").
      // Only both failing leaves this device notified, and the person is told.
      const unregistered = await server.unregister(sub.endpoint).then(
        () => true,
        () => false,
      );
      const dropped = await sub.unsubscribe().catch(() => false);
      if (!dropped && !unregistered) throw new Error(words.pushOffFailed);
    },
  };
}
