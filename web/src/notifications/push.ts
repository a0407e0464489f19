import { pushApi } from '@carechat/client';
import { webPush } from '@carechat/react';
import { api } from '../api/http.js';

/**
 * This browser's push subscription through the app's own session: sign-out turns it off
 * (a shared computer) even where no chat is open. The settings panel is the kit's.
 */
export const devicePush = webPush(pushApi(api));

/**
 * Registers the service worker that shows notifications and opens conversations from them;
 * `onOpen` is called when a notification is clicked while this page is open.
 */
export function registerServiceWorker(onOpen: (conversationId: string) => void): () => void {
  if (!('serviceWorker' in navigator)) return () => undefined;
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  const onMessage = (e: MessageEvent) => {
    const data = e.data as { type?: string; conversationId?: unknown } | null;
    if (data?.type === 'carechat:open-conversation' && typeof data.conversationId === 'string')
      onOpen(data.conversationId);
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
