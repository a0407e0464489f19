import { PushSettingsInput, PushSubscriptionInput, PushUnsubscribeInput } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { PushService } from './push.service.js';

export function registerPushRoutes(app: FastifyInstance, push: PushService, authenticate: Authenticate): void {
  app.get('/api/push/public-key', { onRequest: authenticate() }, async () => ({ publicKey: push.publicKey }));

  app.post('/api/push/subscriptions', { onRequest: authenticate() }, async (req, reply) => {
    await push.subscribe(actorOf(req), parse(PushSubscriptionInput, req.body));
    return reply.status(201).send({ ok: true });
  });

  app.delete('/api/push/subscriptions', { onRequest: authenticate() }, async (req, reply) => {
    await push.unsubscribe(actorOf(req), parse(PushUnsubscribeInput, req.query).endpoint);
    return reply.status(204).send();
  });

  app.get('/api/push/settings', { onRequest: authenticate() }, async (req) => push.settings(actorOf(req)));

  app.put('/api/push/settings', { onRequest: authenticate() }, async (req) =>
    push.updateSettings(actorOf(req), parse(PushSettingsInput, req.body).showSender),
  );
}
