import { LoginInput, LoginResultSchema, MfaCodeInput } from '@carechat/protocol';
import type { MfaService } from './mfa.service.js';
import type { FastifyInstance } from 'fastify';
import { AuthOptions, Me, MfaEnrollment, MfaState } from '../docs/extension-shapes.js';
import { documented, json } from '../docs/route-docs.js';
import { BODY_LIMITS } from '../http/body.js';
import { parse } from '../http/parse.js';
import { actorOf, requestOrigin, SESSION_COOKIE, type Authenticate } from '../http/authenticate.js';
import type { AuthService } from './auth.service.js';
import { KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_DAYS } from './known-devices.js';
import type { Deps } from '../context.js';
import { DEMO_ACCOUNTS } from '../demo/seed.js';

const doc = documented('auth');

export function registerAuthRoutes(
  app: FastifyInstance,
  deps: Deps,
  { auth, mfa, authenticate }: { auth: AuthService; mfa: MfaService; authenticate: Authenticate },
): void {
  const login = doc({
    summary: 'Sign in with email and password (and a TOTP or recovery code when two-factor is on)',
    description:
      'Sets the session cookie (HttpOnly, SameSite=Strict, Secure under HTTPS) ' +
      'and returns the same session as a bearer token. ' +
      'A wrong email or password give the same 401; a missing second factor gives 401 MFA_REQUIRED.',
    body: json(LoginInput),
    answers: { 200: { description: 'Signed in', content: json(LoginResultSchema) } },
    errors: ['UNAUTHENTICATED', 'MFA_REQUIRED', 'USER_BLOCKED', 'RATE_LIMITED'],
  });
  app.post('/api/auth/login', { bodyLimit: BODY_LIMITS.signIn, ...login }, async (req, reply) => {
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
  const options = doc({
    summary: 'What the sign-in page may show before sign-in: demo accounts (demo mode only), the idle timeout',
    answers: { 200: { description: 'The options', content: json(AuthOptions) } },
  });
  app.get('/api/auth/options', options, async () => ({
    demoAccounts: deps.config.demoSeed
      ? DEMO_ACCOUNTS.map((a) => ({ email: a.email, name: a.name, role: a.role }))
      : null,
    sessionIdleMinutes: deps.config.sessionIdleMs / 60_000,
  }));

  // Sign-out, `me` and enrolment itself stay open to a session that must still enrol.
  const enrolling = { onRequest: authenticate.duringMfaEnrollment() };

  const logout = doc({
    summary: 'Sign out: the session and its token stop working at once',
    answers: { 204: { description: 'Signed out' } },
  });
  app.post('/api/auth/logout', { ...enrolling, ...logout }, async (req, reply) => {
    await auth.logout(actorOf(req));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  // Two-factor sign-in (TOTP): enrol → confirm with a first code; off again with a code.
  const enroll = doc({
    summary: 'Start two-factor enrolment: a TOTP secret and ten one-time recovery codes',
    answers: { 200: { description: 'Shown once; confirm with a first code', content: json(MfaEnrollment) } },
    errors: ['CONFLICT'],
  });
  app.post('/api/auth/mfa/enroll', { ...enrolling, ...enroll }, async (req) => mfa.enroll(actorOf(req)));

  const confirm = doc({
    summary: 'Turn two-factor sign-in on with a first code from the authenticator',
    description: 'A session that was limited to enrolment works fully from here on, without signing in again.',
    body: json(MfaCodeInput),
    answers: { 200: { description: 'On', content: json(MfaState) } },
  });
  app.post('/api/auth/mfa/confirm', { ...enrolling, ...confirm }, async (req) =>
    mfa.confirm(actorOf(req), parse(MfaCodeInput, req.body).code),
  );

  const disable = doc({
    summary: 'Turn two-factor sign-in off with a current code',
    description:
      'For a role in MFA_REQUIRED_ROLES, the session is then limited to enrolment again until it is back on.',
    body: json(MfaCodeInput),
    answers: { 200: { description: 'Off', content: json(MfaState) } },
  });
  app.post('/api/auth/mfa/disable', { onRequest: authenticate(), ...disable }, async (req) =>
    mfa.disable(actorOf(req), parse(MfaCodeInput, req.body).code),
  );

  const me = doc({
    summary:
      'The signed-in user, when the session expires if idle, and whether it must first set up two-factor sign-in',
    description:
      'With MFA_REQUIRED_ROLES, a password sign-in of a listed role without two-factor sign-in ' +
      'gets a session that only enrols: ' +
      'this route, sign-out and `/api/auth/mfa/enroll` and `/confirm` work; ' +
      'every other route answers 403 MFA_ENROLLMENT_REQUIRED ' +
      'and the socket handshake is refused with that code. Confirming lifts it for the same session. ' +
      'Host-platform JWTs are exempt.',
    answers: { 200: { description: 'The user', content: json(Me) } },
    errors: ['NOT_FOUND'],
  });
  app.get('/api/auth/me', { ...enrolling, ...me }, (req) => auth.me(actorOf(req)));
}
