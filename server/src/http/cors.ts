import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { listedOrigins, normalOrigin } from './origin.js';

/**
 * Embedding (protocol v1.1): pages on ALLOWED_ORIGINS may call the REST API cross-origin with
 * `Authorization: Bearer`; their preflights are answered 204. Cookies never go cross-origin
 * (no Access-Control-Allow-Credentials), so the session cookie stays this app's alone. Any
 * other origin, and any path outside /api/, gets no CORS headers, and its OPTIONS falls
 * through to the not-found handler (the protocol's 404 body).
 */
export async function registerCors(app: FastifyInstance, allowed: string[]): Promise<void> {
  const listed = listedOrigins(allowed);
  await app.register(fastifyCors, {
    delegator: (req, callback) => {
      const origin = normalOrigin(req.headers.origin ?? '');
      const crossOrigin = req.url.startsWith('/api/') && origin !== null && listed.has(origin);
      callback(null, {
        origin: crossOrigin ? origin : false,
        credentials: false,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: ['Authorization', 'Content-Type', 'Range', 'X-Access-Reason'],
        exposedHeaders: ['Content-Disposition', 'Content-Range', 'Accept-Ranges'],
        maxAge: 600,
        // An allowed origin's OPTIONS without Access-Control-Request-Method is still answered
        // as a preflight, not with a text/plain 400.
        strictPreflight: false,
      });
    },
  });
}
