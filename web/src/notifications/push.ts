import { api } from '../api/http.js';

/** Whether this browser can receive Web Push at all (service workers, PushManager, Notification). */
export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/**
 * Registers the service worker that shows notifications and opens conversations from them;
 * `onOpen` is called when a notification is clicked while this page is open.
 */
export function registerServiceWorker(onOpen: (conversationId: string) => void): () => void {
  if (!('serviceWorker' in navigator)) return () => undefined;
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  const onMessage = (e: MessageEvent) => {
    const data = e.data as { type?: string; conversationId?: unknown } | null;
    if (data?.type === 'carechat:open-conversation' && typeof data.conversationId === 'string') onOpen(data.conversationId);
  };
  navigator.serviceWorker.addEventListener('message', onMessage);
  return () => navigator.serviceWorker.removeEventListener('message', onMessage);
}

/** The conversation a notification opened this page for (`/?conversation=`), consumed once. */
export function conversationFromUrl(): string | null {
  const url = new URL(window.location.href);
  const id = url.searchParams.get('conversation');
  if (id) {
    url.searchParams.delete('conversation');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return id;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

export async function isSubscribed(): Promise<boolean> {
  return (await currentSubscription()) !== null;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Asks for permission, subscribes this browser and registers it with the server. */
export async function subscribe(): Promise<void> {
  if (!pushSupported()) throw new Error('This browser cannot show notifications.');
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('Notifications are blocked for CareChat in this browser.');
  const reg = await navigator.serviceWorker.ready;
  const { publicKey } = await api<{ publicKey: string }>('GET', '/api/push/public-key');
  // The browser's own push service may refuse (blocked, no connection to it): its message
  // ("Registration failed - …") means nothing to a patient.
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }).catch(() => {
      throw new Error('This browser could not turn on notifications. Check that it may show notifications for CareChat and is online, then try again.');
    }));
  await api('POST', '/api/push/subscriptions', sub.toJSON());
}

/** Stops notifications on this browser: on request, and at sign-out (a shared computer). */
export async function unsubscribe(): Promise<void> {
  const sub = await currentSubscription().catch(() => null);
  if (!sub) return;
  await api('DELETE', `/api/push/subscriptions?endpoint=${encodeURIComponent(sub.endpoint)}`).catch(() => undefined);
  await sub.unsubscribe().catch(() => undefined);
}
