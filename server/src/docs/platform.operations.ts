import * as P from '@carechat/protocol';
import { AppointmentAck, AuthOptions, Health, HtmlPage, Me, MfaEnrollment, MfaState, OpenApiDocument, PrometheusText, Readiness } from './extension-shapes.js';
import { json, type Operation } from './operation.js';

const auth: Operation[] = [
  {
    method: 'POST', path: '/api/auth/login', tag: 'auth', auth: 'none',
    summary: 'Sign in with email and password (and a TOTP or recovery code when two-factor is on)',
    description:
      'Sets the session cookie (HttpOnly, SameSite=Strict, Secure under HTTPS) and returns the same session as a bearer token. ' +
      'A wrong email or password give the same 401; a missing second factor gives 401 MFA_REQUIRED.',
    body: json(P.LoginInput),
    answers: { 200: { description: 'Signed in', content: json(P.LoginResultSchema) } },
    errors: ['UNAUTHENTICATED', 'MFA_REQUIRED', 'USER_BLOCKED', 'RATE_LIMITED'],
  },
  {
    method: 'GET', path: '/api/auth/options', tag: 'auth', auth: 'none',
    summary: 'What the sign-in page may show before sign-in: demo accounts (demo mode only), the idle timeout',
    answers: { 200: { description: 'The options', content: json(AuthOptions) } },
  },
  {
    method: 'POST', path: '/api/auth/logout', tag: 'auth', auth: 'user', duringMfaEnrollment: true,
    summary: 'Sign out: the session and its token stop working at once',
    answers: { 204: { description: 'Signed out' } },
  },
  {
    method: 'GET', path: '/api/auth/me', tag: 'auth', auth: 'user', duringMfaEnrollment: true,
    summary: 'The signed-in user, when the session expires if idle, and whether it must first set up two-factor sign-in',
    description:
      'With MFA_REQUIRED_ROLES, a password sign-in of a listed role without two-factor sign-in gets a session that only enrols: ' +
      'this route, sign-out and `/api/auth/mfa/enroll` and `/confirm` work; every other route answers 403 MFA_ENROLLMENT_REQUIRED ' +
      'and the socket handshake is refused with that code. Confirming lifts it for the same session. Host-platform JWTs are exempt.',
    answers: { 200: { description: 'The user', content: json(Me) } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'POST', path: '/api/auth/mfa/enroll', tag: 'auth', auth: 'user', duringMfaEnrollment: true,
    summary: 'Start two-factor enrolment: a TOTP secret and ten one-time recovery codes',
    answers: { 200: { description: 'Shown once; confirm with a first code', content: json(MfaEnrollment) } },
    errors: ['CONFLICT'],
  },
  {
    method: 'POST', path: '/api/auth/mfa/confirm', tag: 'auth', auth: 'user', duringMfaEnrollment: true,
    summary: 'Turn two-factor sign-in on with a first code from the authenticator',
    description: 'A session that was limited to enrolment works fully from here on, without signing in again.',
    body: json(P.MfaCodeInput),
    answers: { 200: { description: 'On', content: json(MfaState) } },
  },
  {
    method: 'POST', path: '/api/auth/mfa/disable', tag: 'auth', auth: 'user',
    summary: 'Turn two-factor sign-in off with a current code',
    description: 'For a role in MFA_REQUIRED_ROLES, the session is then limited to enrolment again until it is back on.',
    body: json(P.MfaCodeInput),
    answers: { 200: { description: 'Off', content: json(MfaState) } },
  },
];

const integration: Operation[] = [
  {
    method: 'PUT', path: '/api/integration/users/:id', tag: 'integration', auth: 'service',
    summary: "Create or replace a person, under the host platform's id",
    description: 'Blocking or deleting a user takes effect at once: sends are refused and their sockets are disconnected.',
    params: P.ExternalIdParam, body: json(P.IntegrationUserInput),
    answers: { 200: { description: 'The user', content: json(P.UserSchema) } },
  },
  {
    method: 'PUT', path: '/api/integration/appointments/:id', tag: 'integration', auth: 'service',
    summary: 'Create or replace an appointment; a conversation needs one that is not cancelled',
    params: P.ExternalIdParam, body: json(P.IntegrationAppointmentInput),
    answers: { 200: { description: 'Stored', content: json(AppointmentAck) } },
  },
  {
    method: 'POST', path: '/api/integration/batch', tag: 'integration', auth: 'service',
    summary: 'Many users and appointments in one transaction (up to 10,000 items, a body of up to 32 MB)',
    body: json(P.IntegrationBatchInput),
    answers: { 200: { description: 'How many of each were written', content: json(P.IntegrationBatchResultSchema) } },
  },
];

const operations: Operation[] = [
  {
    method: 'GET', path: '/healthz', tag: 'operations', auth: 'none',
    summary: 'Alive', answers: { 200: { description: 'The process answers', content: json(Health) } },
  },
  {
    method: 'GET', path: '/readyz', tag: 'operations', auth: 'none',
    summary: 'Ready: the database is reachable and the server is not shutting down',
    answers: {
      200: { description: 'Ready', content: json(Readiness) },
      503: { description: 'Not ready (database unreachable, or shutting down)', content: json(Readiness) },
    },
  },
  {
    method: 'GET', path: '/metrics', tag: 'operations', auth: 'none',
    summary: 'Prometheus metrics of this process (text exposition format); a bearer token when METRICS_TOKEN is set',
    description:
      'Sockets connected, socket events from receipt to ack by event and outcome (chat:message is the send), events fanned out, ' +
      'HTTP request times by route, database pool use and query time, event-loop delay, heap, and Redis fan-out health.',
    answers: { 200: { description: 'Metrics', content: { 'text/plain': PrometheusText } } },
  },
  {
    method: 'GET', path: '/api/docs/openapi.json', tag: 'docs', auth: 'none',
    summary: 'This document (OpenAPI 3.1)', answers: { 200: { description: 'The document', content: json(OpenApiDocument) } },
  },
  {
    method: 'GET', path: '/api/docs', tag: 'docs', auth: 'none',
    summary: 'This document as a page to read', answers: { 200: { description: 'HTML', content: { 'text/html': HtmlPage } } },
  },
];

export const platformOperations: Operation[] = [...auth, ...integration, ...operations];
