import { IdParam, ReadBody, ReadResultSchema } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { documented, json } from '../docs/route-docs.js';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { ReceiptsService } from './receipts.service.js';

export function registerReceiptRoutes(
  app: FastifyInstance,
  receipts: ReceiptsService,
  authenticate: Authenticate,
): void {
  const docs = documented('conversations')({
    summary: 'Mark messages read up to a seq',
    params: IdParam,
    body: json(ReadBody),
    answers: { 200: { description: 'The new watermark and unread count', content: json(ReadResultSchema) } },
    errors: ['NOT_FOUND'],
  });
  app.post('/api/chat/conversations/:id/read', { onRequest: authenticate(), ...docs }, async (req) => {
    const { id } = parse(IdParam, req.params);
    const { upToSeq } = parse(ReadBody, req.body);
    return receipts.read(actorOf(req), id, upToSeq);
  });
}
