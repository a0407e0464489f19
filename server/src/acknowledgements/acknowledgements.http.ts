import { IdParam, MessageSchema, PendingAcknowledgementListSchema } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { AcknowledgementsService } from './acknowledgements.service.js';

export function registerAcknowledgementRoutes(
  app: FastifyInstance,
  acks: AcknowledgementsService,
  authenticate: Authenticate,
): void {
  const user = { onRequest: authenticate() };

  const acknowledge = documented('messages')({
    summary: 'The patient confirms they read a message that asked for it ("I have read this")',
    params: IdParam,
    description: 'The same door as the `chat:acknowledge` event. Only once: again, the message as it is.',
    answers: { 200: { description: 'The message, with its acknowledgement', content: json(MessageSchema) } },
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  });
  app.post('/api/chat/messages/:id/acknowledge', { ...user, ...acknowledge }, async (req) =>
    acks.acknowledge(actorOf(req), parse(IdParam, req.params).id),
  );

  const pending = documented('messages')({
    summary: "The clinician's messages still waiting for their patients' acknowledgement, oldest first",
    answers: { 200: { description: 'At most 200', content: json(PendingAcknowledgementListSchema) } },
    errors: ['FORBIDDEN'],
  });
  app.get('/api/acknowledgements/pending', { ...user, ...pending }, async (req) => ({
    data: await acks.pending(actorOf(req)),
  }));
}
