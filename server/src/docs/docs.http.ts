import type { FastifyInstance } from 'fastify';
import { renderDocsPage } from './html.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import { HtmlPage, OpenApiDocument as OpenApiDocumentShape } from './extension-shapes.js';
import { documented, json } from './route-docs.js';
import type { RegisteredRoute } from './routes.js';

const doc = documented('docs');

/**
 * The API's own description, open to anyone: it tells nothing the routes do not already
 * answer, and host-platform engineers read it before they hold any credential. Built on first
 * request, from `routes` (docs/routes.ts), when every route has been registered.
 */
export function registerDocsRoutes(app: FastifyInstance, routes: readonly RegisteredRoute[]): void {
  let document: OpenApiDocument | undefined;
  let page: string | undefined;
  const openApi = () => (document ??= buildOpenApiDocument(routes));

  app.get(
    '/api/docs/openapi.json',
    doc({
      summary: 'This document (OpenAPI 3.1)',
      answers: { 200: { description: 'The document', content: json(OpenApiDocumentShape) } },
    }),
    async () => openApi(),
  );

  app.get(
    '/api/docs',
    doc({
      summary: 'This document as a page to read',
      answers: { 200: { description: 'HTML', content: { 'text/html': HtmlPage } } },
    }),
    async (_req, reply) => reply.type('text/html; charset=utf-8').send((page ??= renderDocsPage(openApi()))),
  );
}
