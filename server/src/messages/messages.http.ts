import { ChangesQuery, DeleteScopeQuery, IdParam, MessageContent, MessagePageQuery, MessageSendBody, ReactionParams } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { BODY_LIMITS } from '../http/body.js';
import { parse } from '../http/parse.js';
import type { MessagesService } from './messages.service.js';
import type { TypingService } from '../typing/typing.service.js';

export function registerMessageRoutes(app: FastifyInstance, messages: MessagesService, typing: TypingService, authenticate: Authenticate): void {
  const user = { onRequest: authenticate() };
  const writing = { ...user, bodyLimit: BODY_LIMITS.message };

  app.get('/api/chat/conversations/:id/messages', user, async (req) =>
    messages.page(actorOf(req), parse(IdParam, req.params).id, parse(MessagePageQuery, req.query)),
  );

  app.get('/api/chat/conversations/:id/changes', user, async (req) =>
    messages.changes(actorOf(req), parse(IdParam, req.params).id, parse(ChangesQuery, req.query)),
  );

  app.post('/api/chat/conversations/:id/messages', writing, async (req, reply) => {
    const { id } = parse(IdParam, req.params);
    const body = parse(MessageSendBody, req.body);
    if (body.content === undefined && !body.attachmentIds?.length)
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message: 'content: a message needs content or attachments' } });
    const actor = actorOf(req);
    const { message, duplicate } = await messages.send(actor, { ...body, conversationId: id });
    if (!duplicate) typing.stopped(id, actor.id);
    return reply.status(duplicate ? 200 : 201).send(message);
  });

  app.patch('/api/chat/messages/:id', writing, async (req) => {
    const { content } = parse(z.object({ content: MessageContent }), req.body);
    return messages.edit(actorOf(req), parse(IdParam, req.params).id, content);
  });

  app.delete('/api/chat/messages/:id', user, async (req, reply) => {
    const { scope } = parse(DeleteScopeQuery, req.query);
    await messages.delete(actorOf(req), parse(IdParam, req.params).id, scope);
    return reply.status(204).send();
  });

  app.put('/api/chat/messages/:id/reactions/:emoji', user, async (req) => {
    const { id, emoji } = parse(ReactionParams, req.params);
    return messages.react(actorOf(req), id, emoji, true);
  });

  app.delete('/api/chat/messages/:id/reactions/:emoji', user, async (req) => {
    const { id, emoji } = parse(ReactionParams, req.params);
    return messages.react(actorOf(req), id, emoji, false);
  });
}
