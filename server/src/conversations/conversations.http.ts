import {
  ContactsQuery,
  ConversationCreateInput,
  ConversationListQuery,
  ConversationPageSchema,
  ConversationPatchInput,
  ConversationSchema,
  IdParam,
} from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { AccessLog, ContactList } from '../docs/extension-shapes.js';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { ConversationsService } from './conversations.service.js';

const doc = documented('conversations');

export function registerConversationRoutes(
  app: FastifyInstance,
  conversations: ConversationsService,
  authenticate: Authenticate,
): void {
  const user = { onRequest: authenticate() };

  const contacts = doc({
    summary:
      'The people the caller may chat with (a shared appointment, neither side blocked): ' +
      'the first 200 by name, `hasMore` when more match; `q` searches names',
    query: ContactsQuery,
    answers: { 200: { description: 'The contacts', content: json(ContactList) } },
  });
  app.get('/api/chat/contacts', { ...user, ...contacts }, async (req) => {
    const { q } = parse(ContactsQuery, req.query);
    return conversations.contacts(actorOf(req), q);
  });

  const open = doc({
    summary: 'Get or create the conversation with a participant',
    body: json(ConversationCreateInput),
    answers: {
      200: { description: 'The conversation already existed', content: json(ConversationSchema) },
      201: { description: 'The conversation was created', content: json(ConversationSchema) },
    },
    errors: ['FORBIDDEN', 'NO_APPOINTMENT', 'USER_BLOCKED', 'NOT_FOUND'],
  });
  app.post('/api/chat/conversations', { ...user, ...open }, async (req, reply) => {
    const { participantId } = parse(ConversationCreateInput, req.body);
    const { conversation, created } = await conversations.open(actorOf(req), participantId);
    return reply.status(created ? 201 : 200).send(conversation);
  });

  const list = doc({
    summary: "The caller's conversations, newest activity first",
    query: ConversationListQuery,
    answers: {
      200: {
        description: 'A page; pass `nextCursor` back as `cursor` for the next',
        content: json(ConversationPageSchema),
      },
    },
  });
  app.get('/api/chat/conversations', { ...user, ...list }, async (req) =>
    conversations.list(actorOf(req), parse(ConversationListQuery, req.query)),
  );

  const one = doc({
    summary: 'One conversation',
    params: IdParam,
    answers: { 200: { description: 'The conversation', content: json(ConversationSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/chat/conversations/:id', { ...user, ...one }, async (req) =>
    conversations.get(actorOf(req), parse(IdParam, req.params).id),
  );

  // Participants see who outside the conversation read it, and why.
  const accessLog = doc({
    summary: 'Who outside the conversation read it (admins), when and why',
    params: IdParam,
    answers: { 200: { description: 'The outside reads', content: json(AccessLog) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/chat/conversations/:id/access-log', { ...user, ...accessLog }, async (req) => ({
    data: await conversations.accessLog(actorOf(req), parse(IdParam, req.params).id),
  }));

  const archive = doc({
    summary: 'Archive or unarchive a conversation (per user)',
    params: IdParam,
    body: json(ConversationPatchInput),
    answers: { 200: { description: 'The conversation', content: json(ConversationSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.patch('/api/chat/conversations/:id', { ...user, ...archive }, async (req) => {
    const { id } = parse(IdParam, req.params);
    const { archived } = parse(ConversationPatchInput, req.body);
    return conversations.setArchived(actorOf(req), id, archived);
  });
}
