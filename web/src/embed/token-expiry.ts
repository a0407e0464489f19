/** How long before a host token's `exp` the frame asks the host for a fresh one. */
export const EXPIRING_LEAD_MS = 60_000;

/**
 * The `exp` of a JWT, in milliseconds, read without verifying it: the server verified the
 * token already, and this only decides when to ask for the next one. Null when unreadable.
 */
export function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Calls `onExpiring` EXPIRING_LEAD_MS before `expiresAt` (at once when less is left); the
 * returned function cancels it, as a fresh token does.
 */
export function whenExpiring(expiresAt: number, onExpiring: () => void, now = Date.now()): () => void {
  const timer = setTimeout(onExpiring, Math.min(2 ** 31 - 1, Math.max(0, expiresAt - EXPIRING_LEAD_MS - now)));
  return () => clearTimeout(timer);
}
