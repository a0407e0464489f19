import type { LoginResult } from '@carechat/protocol';
import { audit } from '../audit/audit.js';
import { insertAuditEvent } from '../audit/audit.store.js';
import type { Actor, Deps } from '../context.js';
import { AppError, notFound, unauthenticated } from '../errors.js';
import type { Notifier } from '../realtime/notifier.js';
import { ensureUser, findUserByEmail, findUserById, toUser, type UserRow } from '../users/users.store.js';
import { looksLikeJwt, type HostTokenVerifier } from './jwt.js';
import type { KnownDevices } from './known-devices.js';
import type { LoginLimiter } from './login-limiter.js';
import type { MfaService } from './mfa.service.js';
import { verifyPassword } from './password.js';
import {
  bindHostToken,
  createSession,
  endedSessions,
  findSession,
  revokeSession,
  touchSession,
} from './sessions.store.js';

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** A sign-in's result, with what the HTTP route puts in cookies rather than the body. */
export type SignedIn = LoginResult & { token: string; deviceCookie: string };

/** What AuthService works with besides the process's Deps. */
export interface AuthCollaborators {
  notifier: Notifier;
  mfa: MfaService;
  /** Bounds failed sign-ins per account, per source and per both. */
  loginLimiter: LoginLimiter;
  /** Verifies host-platform tokens (JWTs). */
  hostTokens: HostTokenVerifier;
  /** The cookie that lets a device that signed in before past the wide sign-in limits. */
  knownDevices: KnownDevices;
}

export class AuthService {
  /** When each session was last written as active; spares a write on every request. */
  private readonly lastTouch = new Map<string, number>();
  private readonly touchEveryMs: number;

  constructor(
    private readonly deps: Deps,
    private readonly uses: AuthCollaborators,
  ) {
    const c = deps.config;
    this.touchEveryMs = Math.min(15_000, c.sessionIdleMs / 10);
  }

  async login(
    email: string,
    password: string,
    origin: RequestOrigin & { deviceCookie?: string | undefined },
    secondFactor: { totp?: string | undefined; recoveryCode?: string | undefined } = {},
  ): Promise<SignedIn> {
    const { db, config } = this.deps;
    const attempt = {
      account: email,
      source: origin.ip ?? 'unknown',
      knownDevice: this.uses.knownDevices.vouchesFor(origin.deviceCookie, email),
    };
    const fail = async (user: UserRow | null, outcome: 'failure' | 'denied', reason: string) => {
      await insertAuditEvent(db, {
        actorId: user?.id ?? null,
        actorRole: user?.role ?? null,
        action: 'auth.login',
        outcome,
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: { reason },
      });
    };
    // Holds a place until the outcome is recorded, so parallel guesses cannot all pass.
    const release = await this.uses.loginLimiter.tryBegin(attempt);
    if (!release) {
      await fail(null, 'denied', 'rate_limited');
      throw new AppError('RATE_LIMITED', 'Too many failed sign-ins; wait a few minutes and try again');
    }
    try {
      const user = await findUserByEmail(db, email);
      const usable = user && user.status !== 'deleted' ? user : null;
      const ok = await verifyPassword(usable?.password_hash ?? null, password);
      if (!ok || !usable) {
        await this.uses.loginLimiter.recordFailure(attempt);
        await fail(usable, 'failure', 'bad_credentials');
        throw unauthenticated('Wrong email or password');
      }
      if (usable.status === 'blocked') {
        await fail(usable, 'denied', 'blocked');
        throw new AppError('USER_BLOCKED', 'This account is blocked');
      }
      try {
        await this.uses.mfa.checkSignIn(usable, secondFactor.totp, secondFactor.recoveryCode);
      } catch (err) {
        if ((err as AppError).code !== 'MFA_REQUIRED') {
          await this.uses.loginLimiter.recordFailure(attempt);
          await fail(usable, 'failure', 'bad_second_factor');
        }
        throw err;
      }
      await this.uses.loginLimiter.recordSuccess(attempt);
      const session = await createSession(db, usable.id);
      await insertAuditEvent(db, {
        actorId: usable.id,
        actorRole: usable.role,
        action: 'auth.login',
        outcome: 'success',
        ip: origin.ip,
        userAgent: origin.userAgent,
      });
      return {
        user: toUser(usable),
        accessToken: session.token,
        token: session.token,
        deviceCookie: this.uses.knownDevices.afterSignIn(origin.deviceCookie, email),
        expiresAt: new Date(session.lastActiveAt.getTime() + config.sessionIdleMs).toISOString(),
      };
    } finally {
      release();
    }
  }

  /**
   * Resolves a bearer token, cookie or socket token to an actor: a host-platform JWT when one
   * is configured and the token has a JWT's shape, else a session token. A host token is bound
   * to a session of its own on first use, so from then on it is a session like a password one:
   * idle expiry, sign-out and blocking end it, and it stays refused until its `exp`. Counts as
   * activity for the session unless `passive`. Every HTTP route and the socket handshake come
   * through here, so this is the one place that holds back a session still owing two-factor
   * enrolment; only callers that serve enrolment pass `duringMfaEnrollment`.
   */
  async authenticate(
    token: string | undefined,
    origin: RequestOrigin,
    { passive = false, duringMfaEnrollment = false }: { passive?: boolean; duringMfaEnrollment?: boolean } = {},
  ): Promise<Actor> {
    if (!token) throw unauthenticated();
    const { db, config } = this.deps;
    const found = looksLikeJwt(token)
      ? await this.hostTokenSession(token)
      : await findSession(db, token, config.sessionIdleMs);
    if (!found?.live) throw unauthenticated('Session expired or signed out');
    const u = found.user;
    const hostTokenExpiresAt = found.host_token_expires_at?.getTime();
    // Read from the user row on every request rather than stamped on the session, so
    // confirming enrolment frees this same session at once (no second sign-in). Host-platform
    // sign-ins are exempt: the host platform owns those people's authentication.
    const mfaEnrollmentRequired =
      hostTokenExpiresAt === undefined && !u.mfa_enabled && config.mfaRequiredRoles.includes(u.role);
    if (mfaEnrollmentRequired && !duringMfaEnrollment)
      throw new AppError('MFA_ENROLLMENT_REQUIRED', 'Set up two-factor sign-in first: your role requires it');
    let lastActive = found.last_active_at.getTime();
    if (!passive) lastActive = await this.touch(found.session_id, lastActive);
    return {
      id: u.id,
      role: u.role,
      name: u.name,
      sessionId: found.session_id,
      expiresAt: Math.min(lastActive + config.sessionIdleMs, hostTokenExpiresAt ?? Infinity),
      hostTokenExpiresAt: hostTokenExpiresAt ?? null,
      mfaEnrollmentRequired,
      ...origin,
    };
  }

  /** The session bound to a valid host token, made on its first use (and its user on their first sight). */
  private async hostTokenSession(token: string) {
    const { db, config } = this.deps;
    const claims = await this.uses.hostTokens.verify(token);
    if (!claims) throw unauthenticated('Invalid or expired token');
    const bound = await findSession(db, token, config.sessionIdleMs);
    if (bound) return bound;
    const user = await ensureUser(db, {
      id: claims.sub,
      name: claims.name,
      email: claims.email ?? null,
      role: claims.role,
    });
    if (user.status !== 'active') throw unauthenticated('This account is not active');
    await bindHostToken(db, token, user.id, new Date(claims.exp * 1000));
    return findSession(db, token, config.sessionIdleMs);
  }

  /** Marks the session active (at most every few seconds); returns its last-active time. Throws when it has ended. */
  async touch(sessionId: string, lastActive = 0): Promise<number> {
    const now = this.deps.clock.now();
    if (now - (this.lastTouch.get(sessionId) ?? lastActive) < this.touchEveryMs)
      return this.lastTouch.get(sessionId) ?? lastActive;
    this.lastTouch.set(sessionId, now);
    if (this.lastTouch.size > 100_000) this.lastTouch.clear();
    const touched = await touchSession(this.deps.db, sessionId, this.deps.config.sessionIdleMs);
    if (!touched) {
      this.lastTouch.delete(sessionId);
      throw unauthenticated('Session expired or signed out');
    }
    return touched.getTime();
  }

  /**
   * Of these sessions (those with sockets here), ends the ones revoked, idle too long or whose
   * host token expired: their sockets are told and disconnected.
   */
  async endLapsedSessions(sessionIds: string[]): Promise<void> {
    const ended = await endedSessions(this.deps.db, sessionIds, this.deps.config.sessionIdleMs);
    for (const id of ended) this.uses.notifier.endSession(id, 'expired');
  }

  async logout(actor: Actor): Promise<void> {
    await revokeSession(this.deps.db, actor.sessionId);
    this.lastTouch.delete(actor.sessionId);
    this.uses.notifier.endSession(actor.sessionId, 'logout');
    await audit(this.deps.db, actor, { action: 'auth.logout', outcome: 'success' });
  }

  /** The signed-in person as `/api/auth/me` tells it: who, until when if idle, and the state of two-factor sign-in. */
  async me(actor: Actor) {
    const user = await findUserById(this.deps.db, actor.id);
    if (!user) throw notFound('No such user');
    return {
      user: toUser(user),
      expiresAt: actor.expiresAt ? new Date(actor.expiresAt).toISOString() : null,
      // users.* holds the MFA columns; UserRow leaves them out of its type on purpose.
      mfaEnabled: (user as UserRow & { mfa_enabled?: boolean }).mfa_enabled === true,
      mfaEnrollmentRequired: actor.mfaEnrollmentRequired === true,
    };
  }
}
