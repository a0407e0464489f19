import type { Role } from '@carechat/protocol';
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service.js';
import type { Actor } from '../context.js';
import { forbidden } from '../errors.js';
import { enforcing } from './access.js';
import { trustConnection } from './connections.js';

export const SESSION_COOKIE = 'carechat_session';

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

export const requestOrigin = (req: FastifyRequest) => ({
  ip: req.ip ?? null,
  userAgent: req.headers['user-agent'] ?? null,
});

/**
 * onRequest hooks: the signed-in actor, optionally of given roles. `duringMfaEnrollment()`
 * is for the few routes a session still owing two-factor enrolment may use (see
 * AuthService.authenticate); every other route refuses it with MFA_ENROLLMENT_REQUIRED.
 * They run before a byte of the body is read, so an anonymous client's body is never parsed
 * (and, refused mid-upload, never read on: see `closeUnreadBodies`).
 */
export function authenticateWith(auth: AuthService) {
  const hook = (roles: Role[], duringMfaEnrollment: boolean) =>
    enforcing(
      async (req: FastifyRequest): Promise<void> => {
        // A change made with the cookie from another site was refused already (requireOwnOrigin).
        const token = bearerToken(req) ?? req.cookies[SESSION_COOKIE];
        const actor = await auth.authenticate(token, requestOrigin(req), { duringMfaEnrollment });
        if (roles.length > 0 && !roles.includes(actor.role)) throw forbidden('Your role may not use this endpoint');
        req.actor = { ...actor, accessReason: accessReasonOf(req) };
        req.log = req.log.child({ userId: actor.id });
        trustConnection(req.raw.socket);
      },
      { kind: 'session', roles, duringMfaEnrollment },
    );
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
