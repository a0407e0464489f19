import { IdParam, MessageSearchPageSchema, MessageSearchQuery } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import { searchMessages } from './search.service.js';

const doc = documented('messages');

export function registerMessageSearchRoute(app: FastifyInstance, deps: Deps, authenticate: Authenticate): void {
  const search = doc({
    summary: "Find messages holding every word of `q` in one of the caller's conversations, newest first",
    params: IdParam,
    query: MessageSearchQuery,
    description:
      'Each word must begin a word of the text, ignoring case and accents. Deleted messages and those the ' +
      'caller deleted for themself are not searched; an edited one is found by its current text. ' +
      'Page on with `before` the last hit’s seq. Audited as `messages.search` (the count, never the words).',
    answers: { 200: { description: 'The hits', content: json(MessageSearchPageSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/chat/conversations/:id/search', { onRequest: authenticate(), ...search }, async (req) =>
    searchMessages(deps, actorOf(req), parse(IdParam, req.params).id, parse(MessageSearchQuery, req.query)),
  );
}
