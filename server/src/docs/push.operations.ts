import * as P from '@carechat/protocol';
import { Ok, PushPublicKey, PushSettings } from './extension-shapes.js';
import { json, type Operation } from './operation.js';

/** Web Push: the payload is only "New secure message" and the conversation id, the sender's name on opt-in. */
export const pushOperations: Operation[] = [
  {
    method: 'GET', path: '/api/push/public-key', tag: 'push', auth: 'user',
    summary: 'The VAPID public key to subscribe with',
    answers: { 200: { description: 'The key', content: json(PushPublicKey) } },
  },
  {
    method: 'POST', path: '/api/push/subscriptions', tag: 'push', auth: 'user',
    summary: "Registers this browser's push subscription (as PushSubscription.toJSON() gives it) for the caller",
    description: 'An endpoint already registered (the same browser, another person signed in) moves to the caller. Endpoints must be HTTPS.',
    body: json(P.PushSubscriptionInput),
    answers: { 201: { description: 'Registered', content: json(Ok) } },
  },
  {
    method: 'DELETE', path: '/api/push/subscriptions', tag: 'push', auth: 'user',
    summary: "Removes one of the caller's subscriptions by endpoint",
    query: P.PushUnsubscribeInput,
    answers: { 204: { description: 'Removed (or was not there)' } },
  },
  {
    method: 'GET', path: '/api/push/settings', tag: 'push', auth: 'user',
    summary: "The caller's notification settings",
    answers: { 200: { description: 'Settings', content: json(PushSettings) } },
  },
  {
    method: 'PUT', path: '/api/push/settings', tag: 'push', auth: 'user',
    summary: "Whether notifications name the sender (off by default: a lock screen shows only 'New secure message')",
    body: json(P.PushSettingsInput),
    answers: { 200: { description: 'Settings', content: json(PushSettings) } },
  },
];
