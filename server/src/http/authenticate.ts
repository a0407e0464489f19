import type { Role } from '@carechat/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service.js';
import type { Actor } from '../context.js';
import { forbidden } from '../errors.js';

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

export const requestOrigin = (req: FastifyRequest) => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });

/** preHandler hooks: the signed-in actor, optionally of given roles. */
export function authenticateWith(auth: AuthService) {
  return (...roles: Role[]) =>
    async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      const token = bearerToken(req) ?? req.cookies[SESSION_COOKIE];
      const actor = await auth.authenticate(token, requestOrigin(req));
      if (roles.length > 0 && !roles.includes(actor.role)) throw forbidden('Your role may not use this endpoint');
      req.actor = { ...actor, accessReason: accessReasonOf(req) };
      req.log = req.log.child({ userId: actor.id });
    };
}

export type Authenticate = ReturnType<typeof authenticateWith>;

/** The actor a preHandler put on the request. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new Error('route is missing its authentication preHandler');
  return req.actor;
}

/** An admin's stated reason for opening content, from `?reason=` or `X-Access-Reason`. */
function accessReasonOf(req: FastifyRequest): string | null {
  const fromQuery = (req.query as { reason?: unknown } | undefined)?.reason;
  const raw = typeof fromQuery === 'string' ? fromQuery : req.headers['x-access-reason'];
  const reason = typeof raw === 'string' ? raw.trim().slice(0, 500) : '';
  return reason || null;
}
