import { ConversationAssigneeInput, ConversationSchema, IdParam } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { TriageService } from './triage.service.js';

export function registerTriageRoutes(app: FastifyInstance, triage: TriageService, authenticate: Authenticate): void {
  const assign = documented('conversations')({
    summary: 'Assign the conversation to one person of its care side, or to nobody (extension: triage)',
    description:
      'The same door as the `conversation:assign` event. Clinicians taking part only; `userId` must be the doctor ' +
      'or a current member of the care team. Every participant gets `conversation:updated`; the patient never ' +
      'sees the assignee.',
    params: IdParam,
    body: json(ConversationAssigneeInput),
    answers: { 200: { description: 'The conversation, with its `assignee`', content: json(ConversationSchema) } },
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  });
  app.put('/api/chat/conversations/:id/assignee', { onRequest: authenticate(), ...assign }, async (req) =>
    triage.assign(actorOf(req), parse(IdParam, req.params).id, parse(ConversationAssigneeInput, req.body).userId),
  );
}
