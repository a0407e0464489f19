/**
 * A bearer token to use instead of the session cookie: the /embed frame's host JWT, where
 * third-party cookies may be blocked and must not be relied on. Held in memory only (never
 * in a URL or storage). Null, as in the web app: the cookie authenticates.
 */
let token: string | null = null;
const listeners = new Set<() => void>();

export const bearerToken = (): string | null => token;

/** Sets (or, with null, clears) the token; listeners (the socket) hear of a replaced one. */
export function setBearerToken(next: string | null): void {
  if (next === token) return;
  token = next;
  listeners.forEach((l) => l());
}

export function onBearerTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
