import { ContactsQuery, ConversationCreateInput, ConversationListQuery, ConversationPatchInput, IdParam } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { ConversationsService } from './conversations.service.js';

export function registerConversationRoutes(app: FastifyInstance, conversations: ConversationsService, authenticate: Authenticate): void {
  const user = { onRequest: authenticate() };

  app.get('/api/chat/contacts', user, async (req) => {
    const { q } = parse(ContactsQuery, req.query);
    return conversations.contacts(actorOf(req), q);
  });

  app.post('/api/chat/conversations', user, async (req, reply) => {
    const { participantId } = parse(ConversationCreateInput, req.body);
    const { conversation, created } = await conversations.open(actorOf(req), participantId);
    return reply.status(created ? 201 : 200).send(conversation);
  });

  app.get('/api/chat/conversations', user, async (req) => conversations.list(actorOf(req), parse(ConversationListQuery, req.query)));

  app.get('/api/chat/conversations/:id', user, async (req) => conversations.get(actorOf(req), parse(IdParam, req.params).id));

  // Participants see who outside the conversation read it, and why.
  app.get('/api/chat/conversations/:id/access-log', user, async (req) => ({
    data: await conversations.accessLog(actorOf(req), parse(IdParam, req.params).id),
  }));

  app.patch('/api/chat/conversations/:id', user, async (req) => {
    const { id } = parse(IdParam, req.params);
    const { archived } = parse(ConversationPatchInput, req.body);
    return conversations.setArchived(actorOf(req), id, archived);
  });
}
