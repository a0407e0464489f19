import { createHmac, timingSafeEqual } from 'node:crypto';
import { HostJwtClaims } from '@carechat/protocol';

const looksLikeJwt = (token: string) => token.split('.').length === 3;

/**
 * Verifies a host-platform HS256 JWT. Only `alg: HS256` is accepted, so unsigned (`none`) and
 * algorithm-confusion tokens fail; `exp` is required. Returns null for anything not valid.
 */
export function verifyHostJwt(token: string, secret: string, now = Date.now()): HostJwtClaims | null {
  if (!looksLikeJwt(token)) return null;
  const [headerB64, payloadB64, signatureB64] = token.split('.') as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(headerB64, 'base64url').toString('utf8')) as { alg?: unknown };
    if (header.alg !== 'HS256') return null;
    const expected = createHmac('sha256', secret).update(`${headerB64}.${payloadB64}`).digest();
    const given = Buffer.from(signatureB64, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const claims = HostJwtClaims.safeParse(JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8')));
    if (!claims.success || claims.data.exp * 1000 <= now) return null;
    return claims.data;
  } catch {
    return null;
  }
}

export { looksLikeJwt };
