// CareChat's service worker: shows Web Push notifications and opens the conversation on
// click. A push carries no message text: "New secure message", the conversation id and, only
// if the person chose it, the sender's name. Nothing is cached here.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    // An unreadable payload still tells the person there is something to read.
  }
  const conversationId = typeof data.conversationId === 'string' ? data.conversationId : null;
  const shown = self.registration.showNotification(data.title || 'New secure message', {
    body: data.senderName ? `From ${data.senderName}` : 'Open CareChat to read it.',
    // One notification per conversation: a newer one replaces it rather than piling up.
    tag: conversationId ? `conversation:${conversationId}` : 'carechat',
    data: { conversationId },
  });
  event.waitUntil(shown);
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const conversationId = event.notification.data && event.notification.data.conversationId;
  const opened = (async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (open) {
      open.postMessage({ type: 'carechat:open-conversation', conversationId });
      return open.focus().catch(() => undefined);
    }
    return self.clients.openWindow(conversationId ? `/?conversation=${encodeURIComponent(conversationId)}` : '/');
  })();
  event.waitUntil(opened);
});
