import { Secret, TOTP } from 'otpauth';

// RFC 6238's defaults, which every authenticator app supports.
const totpFor = (secret: Buffer, account = '') =>
  new TOTP({
    issuer: 'CareChat',
    label: account,
    secret: Secret.fromHex(secret.toString('hex')),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });

export const newTotpSecret = () => Buffer.from(new Secret({ size: 20 }).bytes);

/** Base32 (RFC 4648, no padding), as authenticator apps take a secret typed in. */
export const base32 = (data: Buffer) => Secret.fromHex(data.toString('hex')).base32;

/**
 * The time step a code matches, allowing one step of clock drift either way, or null. Steps
 * at or before `lastStep` are refused, so a code cannot be replayed.
 */
export function matchTotp(secret: Buffer, code: string, lastStep: number | null, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpFor(secret);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = totp.counter({ timestamp: now }) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

export const otpauthUrl = (secret: Buffer, account: string) => totpFor(secret, account).toString();
