import type { Role } from '@carechat/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service.js';
import type { Actor } from '../context.js';
import { forbidden } from '../errors.js';
import { trustConnection } from './connections.js';
import { originAllowed } from './origin.js';

export const SESSION_COOKIE = 'carechat_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return undefined;
}

export const requestOrigin = (req: FastifyRequest) => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });

/**
 * onRequest hooks: the signed-in actor, optionally of given roles. `duringMfaEnrollment()`
 * is for the few routes a session still owing two-factor enrolment may use (see
 * AuthService.authenticate); every other route refuses it with MFA_ENROLLMENT_REQUIRED.
 * They run before a byte of the body is read, so an anonymous client's body is never parsed
 * (and, refused mid-upload, never read on: see `closeUnreadBodies`).
 */
export function authenticateWith(auth: AuthService, allowedOrigins: string[]) {
  const hook =
    (roles: Role[], duringMfaEnrollment: boolean) =>
    async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      const bearer = bearerToken(req);
      // The session cookie is SameSite=Strict, which a page on a sibling subdomain (the host
      // platform's, say) still gets sent with a form it submits: a change made with the cookie
      // must come from this app's own origin or one allowed, like the socket's handshake.
      if (!bearer && !SAFE_METHODS.has(req.method) && !originAllowed(req.headers.origin, req.headers.host, allowedOrigins))
        throw forbidden('This request came from another site');
      const token = bearer ?? req.cookies[SESSION_COOKIE];
      const actor = await auth.authenticate(token, requestOrigin(req), { duringMfaEnrollment });
      if (roles.length > 0 && !roles.includes(actor.role)) throw forbidden('Your role may not use this endpoint');
      req.actor = { ...actor, accessReason: accessReasonOf(req) };
      req.log = req.log.child({ userId: actor.id });
      trustConnection(req.raw.socket);
    };
  return Object.assign((...roles: Role[]) => hook(roles, false), { duringMfaEnrollment: () => hook([], true) });
}

export type Authenticate = ReturnType<typeof authenticateWith>;

/** The actor the authentication hook put on the request. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new Error('route is missing its authentication hook');
  return req.actor;
}

/** An admin's stated reason for opening content, from `?reason=` or `X-Access-Reason`. */
function accessReasonOf(req: FastifyRequest): string | null {
  const fromQuery = (req.query as { reason?: unknown } | undefined)?.reason;
  const raw = typeof fromQuery === 'string' ? fromQuery : req.headers['x-access-reason'];
  const reason = typeof raw === 'string' ? raw.trim().slice(0, 500) : '';
  return reason || null;
}
