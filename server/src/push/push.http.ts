import { PushSettingsInput, PushSubscriptionInput, PushUnsubscribeInput } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { Ok, PushPublicKey, PushSettings } from '../docs/extension-shapes.js';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { PushService } from './push.service.js';

/** Web Push: the payload is only "New secure message" and the conversation id, the sender's name on opt-in. */
const doc = documented('push');

export function registerPushRoutes(app: FastifyInstance, push: PushService, authenticate: Authenticate): void {
  const user = { onRequest: authenticate() };

  const publicKey = doc({
    summary: 'The VAPID public key to subscribe with',
    answers: { 200: { description: 'The key', content: json(PushPublicKey) } },
  });
  app.get('/api/push/public-key', { ...user, ...publicKey }, async () => ({ publicKey: push.publicKey }));

  const subscribe = doc({
    summary: "Registers this browser's push subscription (as PushSubscription.toJSON() gives it) for the caller",
    description:
      'An endpoint already registered (the same browser, another person signed in) moves to the caller. ' +
      'Endpoints must be HTTPS.',
    body: json(PushSubscriptionInput),
    answers: { 201: { description: 'Registered', content: json(Ok) } },
  });
  app.post('/api/push/subscriptions', { ...user, ...subscribe }, async (req, reply) => {
    await push.subscribe(actorOf(req), parse(PushSubscriptionInput, req.body));
    return reply.status(201).send({ ok: true });
  });

  const unsubscribe = doc({
    summary: "Removes one of the caller's subscriptions by endpoint",
    query: PushUnsubscribeInput,
    answers: { 204: { description: 'Removed (or was not there)' } },
  });
  app.delete('/api/push/subscriptions', { ...user, ...unsubscribe }, async (req, reply) => {
    await push.unsubscribe(actorOf(req), parse(PushUnsubscribeInput, req.query).endpoint);
    return reply.status(204).send();
  });

  const settings = doc({
    summary: "The caller's notification settings",
    answers: { 200: { description: 'Settings', content: json(PushSettings) } },
  });
  app.get('/api/push/settings', { ...user, ...settings }, async (req) => push.settings(actorOf(req)));

  const updateSettings = doc({
    summary: "Whether notifications name the sender (off by default: a lock screen shows only 'New secure message')",
    body: json(PushSettingsInput),
    answers: { 200: { description: 'Settings', content: json(PushSettings) } },
  });
  app.put('/api/push/settings', { ...user, ...updateSettings }, async (req) =>
    push.updateSettings(actorOf(req), parse(PushSettingsInput, req.body).showSender),
  );
}
