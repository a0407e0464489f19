import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Origins whose pages may frame this route's page (CSP frame-ancestors). Unset on every
     * route but /embed: no other page may be framed anywhere.
     */
    frameAncestors?: readonly string[];
  }
}

/**
 * The page policy: no inline or foreign script, and framing only by `frameAncestors`
 * (none when empty). The one place the Content-Security-Policy is written.
 */
export function contentSecurityPolicy(frameAncestors: readonly string[]): string {
  const ancestors = frameAncestors.length ? frameAncestors.join(' ') : "'none'";
  return (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'self'; " +
    `frame-ancestors ${ancestors}`
  );
}

/** No sniffing, no referrer, no shared browsing context, no devices. */
const FIXED_HEADERS: [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=()'],
];

/**
 * On every response (a route may set its own, as downloads do): the page policy above, with
 * the frame ancestors the route names in its config. X-Frame-Options (for browsers without
 * frame-ancestors) can only say DENY or one origin, so a framable page sends none and relies
 * on the CSP. HSTS is added when the request came over HTTPS (behind a proxy, with TRUST_PROXY).
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const frameAncestors = req.routeOptions.config.frameAncestors ?? [];
    const headers: [string, string][] = [
      ['Content-Security-Policy', contentSecurityPolicy(frameAncestors)],
      ...(frameAncestors.length ? [] : ([['X-Frame-Options', 'DENY']] as [string, string][])),
      ...FIXED_HEADERS,
    ];
    for (const [name, value] of headers) if (!reply.hasHeader(name)) void reply.header(name, value);
    if (req.protocol === 'https') void reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    return payload;
  });
}
