import { HostJwtClaims } from '@carechat/protocol';
import { createRemoteJWKSet, errors, jwtVerify, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';

export const looksLikeJwt = (token: string) => token.split('.').length === 3;

/** The algorithms an identity provider may sign with through its JWKS. */
const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'];

/**
 * How far ahead of ours the host's clock may be: a token is taken this long before its `nbf`
 * (or `iat`). NTP keeps real clocks within a second; 30 s covers a badly kept one. `exp` gets
 * no leeway: a token ends when its issuer said.
 */
export const CLOCK_SKEW_SECONDS = 30;

export interface HostTokenSettings {
  /** HS256 tokens signed with this secret (AUTH_JWT_SECRET). */
  secret: string | undefined;
  /** Tokens signed by the keys this JWKS lists (AUTH_JWKS_URL). */
  jwksUrl: string | undefined;
  /** Least time between two fetches of the JWKS for a key id it did not list. */
  jwksCooldownMs: number;
  issuer: string | undefined;
  audience: string | undefined;
  /** Longest lifetime a token may have: `exp` minus `iat`, and `exp` minus now. */
  maxLifetimeMs: number;
}

// Raised by the key lookup when the JWKS cannot be had: not the token's fault.
class JwksUnavailable extends Error {}

/**
 * Verifies host-platform tokens with `jose`: HS256 with the shared secret, or RS256/ES256/EdDSA
 * with the identity provider's JWKS (cached; fetched again for a key id it does not know, at
 * most once per cooldown, so a rotated key is picked up and unknown ids cannot make us hammer
 * the provider). The algorithm list is fixed per configuration, so `alg: none` and an HS256
 * token "signed" with a public key are refused.
 */
export class HostTokenVerifier {
  private readonly secret: Uint8Array | null;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;
  private readonly algorithms: string[];

  constructor(
    private readonly s: HostTokenSettings,
    private readonly log: Logger,
  ) {
    this.secret = s.secret ? new TextEncoder().encode(s.secret) : null;
    this.jwks = s.jwksUrl ? createRemoteJWKSet(new URL(s.jwksUrl), { cooldownDuration: s.jwksCooldownMs }) : null;
    this.algorithms = [...(this.secret ? ['HS256'] : []), ...(this.jwks ? JWKS_ALGORITHMS : [])];
  }

  get enabled(): boolean {
    return this.algorithms.length > 0;
  }

  /**
   * The claims of a valid token, or null for any token that is not: malformed, wrongly signed,
   * expired, not yet valid, living longer than allowed, or with claims outside the protocol's
   * schema. Throws SERVICE_UNAVAILABLE only when the identity provider's keys cannot be fetched.
   */
  async verify(token: string, now = Date.now()): Promise<HostJwtClaims | null> {
    if (!this.enabled) return null;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: this.algorithms,
        issuer: this.s.issuer,
        audience: this.s.audience,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(now),
      }));
    } catch (err) {
      if (err instanceof JwksUnavailable) {
        this.log.warn(
          { err: { message: (err.cause as Error)?.message } },
          'identity provider keys (AUTH_JWKS_URL) could not be fetched',
        );
        throw new AppError('SERVICE_UNAVAILABLE', 'Sign-in could not be checked just now; try again shortly');
      }
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
    return this.withinLifetime(payload, now / 1000) ? (HostJwtClaims.safeParse(payload).data ?? null) : null;
  }

  // jose allows the clock tolerance on `exp` too; here it ends exactly. A token may not live
  // longer than the maximum, by what it says (`iat`) nor from now, and was not issued ahead.
  private withinLifetime(p: Record<string, unknown>, nowS: number): boolean {
    const exp = p.exp as number;
    const maxS = this.s.maxLifetimeMs / 1000;
    if (exp <= nowS || exp - nowS > maxS) return false;
    if (typeof p.iat === 'number' && (exp - p.iat > maxS || p.iat > nowS + CLOCK_SKEW_SECONDS)) return false;
    return true;
  }

  private readonly key = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    // jose checked `alg` against this.algorithms: HS256 comes with a secret, the others with a JWKS.
    if (header.alg === 'HS256' && this.secret) return this.secret;
    if (!this.jwks) throw new Error(`no key for a token signed with ${header.alg}`);
    try {
      return await this.jwks(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new JwksUnavailable('JWKS unavailable', { cause: err });
    }
  };
}
