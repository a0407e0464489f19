import type { PushSettings } from '@carechat/protocol';
import { query, type Http } from './http.js';

/** Web Push with the server: its key, this device's subscription on and off, and what a notification shows. */
export const pushApi = (http: Http) => ({
  publicKey: async () => (await http<{ publicKey: string }>('GET', '/api/push/public-key')).publicKey,
  register: (subscription: PushSubscriptionJSON) => http<unknown>('POST', '/api/push/subscriptions', subscription),
  unregister: (endpoint: string) => http<unknown>('DELETE', `/api/push/subscriptions${query({ endpoint })}`),
  settings: () => http<PushSettings>('GET', '/api/push/settings'),
  updateSettings: (showSender: boolean) => http<PushSettings>('PUT', '/api/push/settings', { showSender }),
});
