import { LoginInput, MfaCodeInput } from '@carechat/protocol';
import type { MfaService } from './mfa.service.js';
import type { FastifyInstance } from 'fastify';
import { BODY_LIMITS } from '../http/body.js';
import { parse } from '../http/parse.js';
import { actorOf, requestOrigin, SESSION_COOKIE, type Authenticate } from '../http/authenticate.js';
import { findUserById, toUser, type UserRow } from '../users/users.store.js';
import { notFound } from '../errors.js';
import type { AuthService } from './auth.service.js';
import { KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_DAYS } from './known-devices.js';
import type { Deps } from '../context.js';
import { DEMO_ACCOUNTS } from '../demo/seed.js';

export function registerAuthRoutes(
  app: FastifyInstance,
  deps: Deps,
  { auth, mfa, authenticate }: { auth: AuthService; mfa: MfaService; authenticate: Authenticate },
): void {
  app.post('/api/auth/login', { bodyLimit: BODY_LIMITS.signIn }, async (req, reply) => {
    const { email, password, totp, recoveryCode } = parse(LoginInput, req.body);
    const origin = { ...requestOrigin(req), deviceCookie: req.cookies[KNOWN_DEVICE_COOKIE] };
    const { token, deviceCookie, ...result } = await auth.login(email, password, origin, { totp, recoveryCode });
    const secure = req.protocol === 'https';
    void reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure });
    // Sent back with sign-ins only: it lets this device past the wide sign-in limits.
    void reply.setCookie(KNOWN_DEVICE_COOKIE, deviceCookie, {
      path: '/api/auth/login',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      maxAge: KNOWN_DEVICE_DAYS * 86_400,
    });
    return result;
  });

  // What the sign-in page may show before anyone signs in: the demo accounts in demo mode.
  app.get('/api/auth/options', async () => ({
    demoAccounts: deps.config.demoSeed ? DEMO_ACCOUNTS.map((a) => ({ email: a.email, name: a.name, role: a.role })) : null,
    sessionIdleMinutes: deps.config.sessionIdleMs / 60_000,
  }));

  // Sign-out, `me` and enrolment itself stay open to a session that must still enrol.
  const enrolling = { onRequest: authenticate.duringMfaEnrollment() };

  app.post('/api/auth/logout', enrolling, async (req, reply) => {
    await auth.logout(actorOf(req));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  // Two-factor sign-in (TOTP): enrol → confirm with a first code; off again with a code.
  app.post('/api/auth/mfa/enroll', enrolling, async (req) => mfa.enroll(actorOf(req)));
  app.post('/api/auth/mfa/confirm', enrolling, async (req) => mfa.confirm(actorOf(req), parse(MfaCodeInput, req.body).code));
  app.post('/api/auth/mfa/disable', { onRequest: authenticate() }, async (req) => mfa.disable(actorOf(req), parse(MfaCodeInput, req.body).code));

  app.get('/api/auth/me', enrolling, async (req) => {
    const actor = actorOf(req);
    const user = await findUserById(deps.db, actor.id);
    if (!user) throw notFound('No such user');
    return {
      user: toUser(user),
      expiresAt: actor.expiresAt ? new Date(actor.expiresAt).toISOString() : null,
      // users.* holds the MFA columns; UserRow leaves them out of its type on purpose.
      mfaEnabled: (user as UserRow & { mfa_enabled?: boolean }).mfa_enabled === true,
      mfaEnrollmentRequired: actor.mfaEnrollmentRequired === true,
    };
  });
}
