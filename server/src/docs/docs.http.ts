import type { FastifyInstance } from 'fastify';
import { renderDocsPage } from './html.js';
import { openApiDocument } from './openapi.js';

/**
 * The API's own description, open to anyone: it tells nothing the routes do not already
 * answer, and host-platform engineers read it before they hold any credential.
 */
export function registerDocsRoutes(app: FastifyInstance): void {
  let page: string | undefined;

  app.get('/api/docs/openapi.json', async () => openApiDocument());

  app.get('/api/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send((page ??= renderDocsPage(openApiDocument()))));
}
