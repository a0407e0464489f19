import { createHmac, timingSafeEqual } from 'node:crypto';
import { HostJwtClaims } from '@carechat/protocol';

const looksLikeJwt = (token: string) => token.split('.').length === 3;

/** What a host's tokens must also say, when the deployment sets it (AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE). */
export interface JwtExpectations {
  issuer?: string;
  audience?: string;
}

/**
 * Verifies a host-platform HS256 JWT. Only `alg: HS256` is accepted, so unsigned (`none`) and
 * algorithm-confusion tokens fail; `exp` is required, and `iss` and `aud` when expected (a
 * host whose secret also signs tokens for its other services can then not have those
 * replayed here). Returns null for anything not valid.
 */
export function verifyHostJwt(token: string, secret: string, expect: JwtExpectations = {}, now = Date.now()): HostJwtClaims | null {
  if (!looksLikeJwt(token)) return null;
  const [headerB64, payloadB64, signatureB64] = token.split('.') as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(headerB64, 'base64url').toString('utf8')) as { alg?: unknown };
    if (header.alg !== 'HS256') return null;
    const expected = createHmac('sha256', secret).update(`${headerB64}.${payloadB64}`).digest();
    const given = Buffer.from(signatureB64, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const payload = JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8')) as { iss?: unknown; aud?: unknown };
    if (expect.issuer !== undefined && payload.iss !== expect.issuer) return null;
    if (expect.audience !== undefined && !(Array.isArray(payload.aud) ? payload.aud : [payload.aud]).includes(expect.audience)) return null;
    const claims = HostJwtClaims.safeParse(payload);
    if (!claims.success || claims.data.exp * 1000 <= now) return null;
    return claims.data;
  } catch {
    return null;
  }
}

export { looksLikeJwt };
