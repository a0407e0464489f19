import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EMBED_ORIGINS_META } from '@carechat/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HtmlPage } from '../docs/extension-shapes.js';
import { documented } from '../docs/route-docs.js';
import { notFound } from '../errors.js';

const doc = documented('embed');

/** What the page reads from its URL (web/src/embed/embed-params.ts); documented here, checked there. */
const EmbedQuery = z.object({
  parent: z.string().describe('Origin of the page framing the widget; must be one of EMBED_ORIGINS'),
  with: z.string().optional().describe('Open the conversation with this person (their user id) at start'),
  theme: z.enum(['light', 'dark']).optional().describe('Colour scheme of the widget (default light)'),
});

const escapeAttribute = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The widget page (protocol v1.1, "Embedding"): the built web/dist/embed.html with EMBED_ORIGINS
 * written into it, so the page can refuse a `parent` outside them before it posts anything,
 * without a request of its own. Only this page may be framed, and only by those origins.
 */
export function registerEmbedRoutes(app: FastifyInstance, embedOrigins: readonly string[], webDist: string): void {
  const file = path.join(webDist, 'embed.html');
  let page: string | undefined;
  const render = () => {
    if (page !== undefined) return page;
    // No web build (a server started from source before `npm run build`): no widget either.
    if (!existsSync(file)) throw notFound('The widget is not built: run npm run build');
    const meta = `<meta name="${EMBED_ORIGINS_META}" content="${escapeAttribute(embedOrigins.join(' '))}" />`;
    return (page = readFileSync(file, 'utf8').replace('</head>', `    ${meta}\n  </head>`));
  };

  app.get(
    '/embed',
    {
      config: {
        ...doc({
          summary: 'The chat widget, for a host page to frame',
          description:
            'Framable only by pages on EMBED_ORIGINS (Content-Security-Policy frame-ancestors; none when unset). ' +
            "The host hands its user's JWT with postMessage (carechat:auth), never in the URL; " +
            'see protocol.md, "Embedding".',
          query: EmbedQuery,
          answers: { 200: { description: 'The widget page', content: { 'text/html': HtmlPage } } },
          errors: ['NOT_FOUND'],
        }).config,
        frameAncestors: embedOrigins,
      },
    },
    async (_req, reply) => reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(render()),
  );
}
