import type { FastifyInstance } from 'fastify';
import { documented } from '../docs/route-docs.js';
import { MANIFEST, WebAppManifest } from './manifest.js';

const doc = documented('app');
const BODY = JSON.stringify(MANIFEST);

/** The web app's manifest, with the media type browsers expect of one; anyone may read it. */
export function registerManifestRoute(app: FastifyInstance): void {
  app.get(
    '/manifest.webmanifest',
    doc({
      summary: 'The web app manifest (name, icons, colours), so the app can be installed',
      answers: { 200: { description: 'The manifest', content: { 'application/manifest+json': WebAppManifest } } },
    }),
    async (_req, reply) =>
      reply.type('application/manifest+json; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(BODY),
  );
}
