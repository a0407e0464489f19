import type { Role } from '@carechat/protocol';

/**
 * Who may call a route, as its onRequest hook decides: anyone; a signed-in person (of some
 * roles only, or still owing two-factor enrolment); the host platform with its service key.
 * The hook carries it and the API document reads it from there (docs/routes.ts), so the
 * document cannot call a route open that is closed, or the reverse.
 */
export type Access =
  { kind: 'none' } | { kind: 'session'; roles: Role[]; duringMfaEnrollment: boolean } | { kind: 'service' };

const ACCESS = Symbol('access');

/** Marks an onRequest hook with the access it enforces. */
export function enforcing<H extends object>(hook: H, access: Access): H {
  return Object.assign(hook, { [ACCESS]: access });
}

/** The access a route's onRequest hooks enforce; `none` when no hook says. */
export function accessOf(onRequest: unknown): Access {
  for (const hook of Array.isArray(onRequest) ? onRequest : [onRequest]) {
    const access = (hook as { [ACCESS]?: Access } | undefined)?.[ACCESS];
    if (access) return access;
  }
  return { kind: 'none' };
}
