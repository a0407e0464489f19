import { CareChatError, createHttp } from '@carechat/client';
import { bearerToken } from './bearer.js';

/** An error answer from the API, with its protocol code (the client SDK's error). */
export { CareChatError as ApiError };

/** When this page last did something on the person's behalf: the server counts it as activity. */
export const activity = { last: Date.now() };

/** The app marks each thing done on the person's behalf, for the idle warning. */
export const noteActivity = () => void (activity.last = Date.now());

/**
 * REST for the screens outside the chat (sign-in, two-factor, admin, notification settings),
 * through the client SDK's transport. The session rides in the HttpOnly cookie (never in
 * storage a script can read), so every call is same-origin with credentials; in the /embed
 * frame the host's token (api/bearer.ts) replaces it.
 */
export const api = createHttp({
  baseUrl: '',
  token: () => bearerToken() ?? undefined,
  onRequest: noteActivity,
  // The session now owes two-factor enrolment (turned off elsewhere): the app shows that screen.
  onError: (e) =>
    e.code === 'MFA_ENROLLMENT_REQUIRED' && window.dispatchEvent(new CustomEvent('carechat:mfa-enrollment-required')),
});

/** REST with this token alone, not the one every call uses: the frame checks a new host JWT with it. */
export const apiWithToken = (token: string) => createHttp({ baseUrl: '', token: () => token });
