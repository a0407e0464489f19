import {
  ChangesQuery,
  DeleteScopeQuery,
  IdParam,
  MessageEditBody,
  MessagePageQuery,
  MessagePageSchema,
  MessageSchema,
  MessageSendBody,
  ReactionParams,
} from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { BODY_LIMITS } from '../http/body.js';
import { parse } from '../http/parse.js';
import type { MessagesService } from './messages.service.js';

const doc = documented('messages');

export function registerMessageRoutes(
  app: FastifyInstance,
  messages: MessagesService,
  authenticate: Authenticate,
): void {
  const user = { onRequest: authenticate() };
  const writing = { ...user, bodyLimit: BODY_LIMITS.message };

  const page = doc({
    summary: 'A page of messages, oldest first',
    params: IdParam,
    query: MessagePageQuery,
    description: 'Give `before` or `after` (a seq), not both; without either, the newest page.',
    answers: { 200: { description: 'The page', content: json(MessagePageSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/chat/conversations/:id/messages', { ...user, ...page }, async (req) =>
    messages.page(actorOf(req), parse(IdParam, req.params).id, parse(MessagePageQuery, req.query)),
  );

  const changes = doc({
    summary: 'Every message created or changed after a rev, by rev',
    params: IdParam,
    query: ChangesQuery,
    description: 'Edits, deletions, reactions and delete-for-me included: the catch-up after a reconnect.',
    answers: { 200: { description: 'The changes', content: json(MessagePageSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/chat/conversations/:id/changes', { ...user, ...changes }, async (req) =>
    messages.changes(actorOf(req), parse(IdParam, req.params).id, parse(ChangesQuery, req.query)),
  );

  const send = doc({
    summary: 'Send a message',
    params: IdParam,
    description:
      'Needs content or attachments. A repeated clientMessageId returns the first message (200) and sends nothing new.',
    body: json(MessageSendBody),
    answers: {
      200: { description: 'A retry: the message first sent with this clientMessageId', content: json(MessageSchema) },
      201: { description: 'The new message', content: json(MessageSchema) },
    },
    errors: ['NOT_FOUND', 'NO_APPOINTMENT', 'USER_BLOCKED', 'RATE_LIMITED'],
  });
  app.post('/api/chat/conversations/:id/messages', { ...writing, ...send }, async (req, reply) => {
    const { id } = parse(IdParam, req.params);
    const body = parse(MessageSendBody, req.body);
    const { message, duplicate } = await messages.send(actorOf(req), { ...body, conversationId: id });
    return reply.status(duplicate ? 200 : 201).send(message);
  });

  const edit = doc({
    summary: 'Edit a message (the sender, within 15 minutes)',
    params: IdParam,
    body: json(MessageEditBody),
    answers: { 200: { description: 'The edited message', content: json(MessageSchema) } },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'EDIT_WINDOW_EXPIRED'],
  });
  app.patch('/api/chat/messages/:id', { ...writing, ...edit }, async (req) => {
    const { content } = parse(MessageEditBody, req.body);
    return messages.edit(actorOf(req), parse(IdParam, req.params).id, content);
  });

  const remove = doc({
    summary: 'Delete a message for oneself or (the sender) for everyone',
    params: IdParam,
    query: DeleteScopeQuery,
    answers: { 204: { description: 'Deleted' } },
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  });
  app.delete('/api/chat/messages/:id', { ...user, ...remove }, async (req, reply) => {
    const { scope } = parse(DeleteScopeQuery, req.query);
    await messages.delete(actorOf(req), parse(IdParam, req.params).id, scope);
    return reply.status(204).send();
  });

  const react = doc({
    summary: "Add the caller's reaction (one emoji grapheme, URL-encoded)",
    params: ReactionParams,
    answers: { 200: { description: 'The message', content: json(MessageSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.put('/api/chat/messages/:id/reactions/:emoji', { ...user, ...react }, async (req) => {
    const { id, emoji } = parse(ReactionParams, req.params);
    return messages.react(actorOf(req), id, emoji, true);
  });

  const unreact = doc({
    summary: "Remove the caller's reaction",
    params: ReactionParams,
    answers: { 200: { description: 'The message', content: json(MessageSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.delete('/api/chat/messages/:id/reactions/:emoji', { ...user, ...unreact }, async (req) => {
    const { id, emoji } = parse(ReactionParams, req.params);
    return messages.react(actorOf(req), id, emoji, false);
  });
}
