import type { FastifyInstance } from 'fastify';
import { forbidden } from '../errors.js';

/** `scheme://host[:port]`, lower-cased and without a default port, or null when `value` is not an origin. */
export function normalOrigin(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** The origins ALLOWED_ORIGINS lists, written the way a browser sends them. */
export function listedOrigins(allowed: string[]): Set<string> {
  return new Set(allowed.map(normalOrigin).filter((o): o is string => o !== null));
}

/**
 * A browser's Origin must be this server's own or listed in ALLOWED_ORIGINS; non-browsers send
 * none. Given the scheme the request came in with, the comparison is exact on scheme, host
 * and port: `http://host` is not an HTTPS server's own origin (a page on the plain-HTTP side
 * of the same host is another site).
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: string[],
  scheme?: 'http' | 'https',
): boolean {
  if (!origin) return true;
  const given = normalOrigin(origin);
  if (given === null) return false;
  if (listedOrigins(allowed).has(given)) return true;
  if (!host) return false;
  if (scheme) return normalOrigin(`${scheme}://${host}`) === given;
  return new URL(given).host === host.toLowerCase();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The cookie's CSRF check, for every route before anything else runs: the session cookie is
 * SameSite=Strict, which a page on a sibling subdomain (the host platform's, say) still gets
 * sent with a form it submits, so a change made without a bearer token must come from this
 * server's own origin, with the scheme the request arrived on, or an allowed one, like the
 * socket's handshake.
 */
export function requireOwnOrigin(app: FastifyInstance, allowed: string[]): void {
  app.addHook('onRequest', async (req) => {
    if (SAFE_METHODS.has(req.method) || req.headers.authorization?.startsWith('Bearer ')) return;
    if (!originAllowed(req.headers.origin, req.headers.host, allowed, req.protocol))
      throw forbidden('This request came from another site');
  });
}
