import { createHash, randomBytes } from 'node:crypto';
import type { Actor, Deps } from '../context.js';
import { audit } from '../audit/audit.js';
import { onlyRow } from '../db/rows.js';
import { AppError } from '../errors.js';
import type { UserRow } from '../users/users.store.js';
import type { LoginLimiter } from './login-limiter.js';
import { base32, matchTotp, newTotpSecret, otpauthUrl } from './totp.js';

const hashCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest();

interface MfaRow {
  totp_secret: Buffer | null;
  totp_key_version: number | null;
  mfa_enabled: boolean;
  totp_last_step: number | null;
  recovery_codes: Buffer[] | null;
}

/**
 * TOTP second factor (RFC 6238) with one-time recovery codes. Enrolment stays pending until
 * a first code proves the authenticator app has the secret.
 */
export class MfaService {
  constructor(
    private readonly deps: Deps,
    /** The sign-in limits: codes tried from a signed-in session count as guesses too. */
    private readonly limiter: LoginLimiter,
  ) {}

  async enroll(actor: Actor): Promise<{ secret: string; otpauthUrl: string; recoveryCodes: string[] }> {
    const current = await this.row(actor.id);
    if (current.mfa_enabled) throw new AppError('CONFLICT', 'Two-factor sign-in is already on; turn it off first');
    const secret = newTotpSecret();
    const sealed = this.deps.keyring.sealSecret(secret, `totp:${actor.id}`);
    const recoveryCodes = Array.from({ length: 10 }, () => base32(randomBytes(8)).slice(0, 10));
    await this.deps.db.query(
      `UPDATE users SET totp_secret = $2, totp_key_version = $3, totp_last_step = NULL, recovery_codes = $4
        WHERE id = $1`,
      [actor.id, sealed.blob, sealed.version, recoveryCodes.map(hashCode)],
    );
    const { rows } = await this.deps.db.query<{ email: string | null }>('SELECT email FROM users WHERE id = $1', [
      actor.id,
    ]);
    await audit(this.deps.db, actor, { action: 'auth.mfa.enroll', outcome: 'success' });
    return { secret: base32(secret), otpauthUrl: otpauthUrl(secret, rows[0]?.email ?? actor.id), recoveryCodes };
  }

  async confirm(actor: Actor, code: string): Promise<{ enabled: true }> {
    const row = await this.row(actor.id);
    if (!row.totp_secret) throw new AppError('VALIDATION_FAILED', 'code: start enrolment first');
    await this.useSessionTotp(actor, row, code);
    await this.deps.db.query('UPDATE users SET mfa_enabled = true WHERE id = $1', [actor.id]);
    await audit(this.deps.db, actor, { action: 'auth.mfa.enable', outcome: 'success' });
    return { enabled: true };
  }

  async disable(actor: Actor, code: string): Promise<{ enabled: false }> {
    const row = await this.row(actor.id);
    if (!row.mfa_enabled) return { enabled: false };
    await this.useSessionTotp(actor, row, code);
    await this.deps.db.query(
      `UPDATE users SET mfa_enabled = false, totp_secret = NULL, totp_key_version = NULL, recovery_codes = NULL
        WHERE id = $1`,
      [actor.id],
    );
    await audit(this.deps.db, actor, { action: 'auth.mfa.disable', outcome: 'success' });
    return { enabled: false };
  }

  /** At sign-in, after the password: a TOTP code or an unused recovery code. */
  async checkSignIn(
    user: UserRow & Partial<MfaRow>,
    totp: string | undefined,
    recoveryCode: string | undefined,
  ): Promise<void> {
    if (!user.mfa_enabled) return;
    if (totp) return void (await this.useTotp(user.id, await this.row(user.id), totp));
    if (!recoveryCode) throw new AppError('MFA_REQUIRED', 'Enter the 6-digit code from your authenticator app');
    const hash = hashCode(recoveryCode);
    const { rowCount } = await this.deps.db.query(
      'UPDATE users SET recovery_codes = array_remove(recovery_codes, $2) WHERE id = $1 AND $2 = ANY(recovery_codes)',
      [user.id, hash],
    );
    if (!rowCount) throw new AppError('UNAUTHENTICATED', 'That code is not valid');
  }

  /**
   * A code from a signed-in session (confirming enrolment, turning two-factor off), limited like
   * sign-in guesses: a stolen session could otherwise try all million codes to turn it off.
   */
  private async useSessionTotp(actor: Actor, row: MfaRow, code: string): Promise<void> {
    // Counted per session, not per address: only the session's holder can use its budget up,
    // and a stolen session cannot get a fresh one by changing address.
    const attempt = { account: `totp:${actor.id}`, source: `session:${actor.sessionId}`, knownDevice: false };
    const release = await this.limiter.tryBegin(attempt);
    if (!release) throw new AppError('RATE_LIMITED', 'Too many codes tried; wait a few minutes and try again');
    try {
      await this.useTotp(actor.id, row, code);
      await this.limiter.recordSuccess(attempt);
    } catch (err) {
      await this.limiter.recordFailure(attempt);
      throw err;
    } finally {
      release();
    }
  }

  private async useTotp(userId: string, row: MfaRow, code: string): Promise<void> {
    // Callers check that enrolment began (or two-factor is on), which stored both.
    if (!row.totp_secret || row.totp_key_version === null) throw new Error('useTotp: no TOTP secret stored');
    const secret = this.deps.keyring.openSecret(row.totp_secret, row.totp_key_version, `totp:${userId}`);
    const step = matchTotp(secret, code, row.totp_last_step);
    if (step === null) throw new AppError('UNAUTHENTICATED', 'That code is not valid');
    // Only one request can advance the step, so a code is accepted once.
    const { rowCount } = await this.deps.db.query(
      'UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)',
      [userId, step],
    );
    if (!rowCount) throw new AppError('UNAUTHENTICATED', 'That code was already used');
  }

  private async row(userId: string): Promise<MfaRow> {
    const { rows } = await this.deps.db.query<MfaRow>(
      'SELECT totp_secret, totp_key_version, mfa_enabled, totp_last_step, recovery_codes FROM users WHERE id = $1',
      [userId],
    );
    return onlyRow(rows, 'MfaService.row');
  }
}
