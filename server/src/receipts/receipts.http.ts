import { IdParam, ReadBody } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { actorOf, type Authenticate } from '../http/authenticate.js';
import { parse } from '../http/parse.js';
import type { ReceiptsService } from './receipts.service.js';

export function registerReceiptRoutes(app: FastifyInstance, receipts: ReceiptsService, authenticate: Authenticate): void {
  app.post('/api/chat/conversations/:id/read', { onRequest: authenticate() }, async (req) => {
    const { id } = parse(IdParam, req.params);
    const { upToSeq } = parse(ReadBody, req.body);
    return receipts.read(actorOf(req), id, upToSeq);
  });
}
