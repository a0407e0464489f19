import { createHmac, timingSafeEqual } from 'node:crypto';

export const KNOWN_DEVICE_COOKIE = 'carechat_device';

/** How long a device stays known after its last sign-in to an account. */
export const KNOWN_DEVICE_DAYS = 90;
// A shared clinic workstation is signed in to by a few people; the oldest beyond this drop out.
const MAX_ACCOUNTS = 10;
const DAY_MS = 86_400_000;

/**
 * The known-device cookie (OWASP's "device cookie"): after a successful sign-in the browser
 * gets an entry for the account, `<issued, base 36 seconds>.<HMAC of account and issued>`, up to
 * ten accounts in one cookie. The entry names no account and cannot be forged without the
 * server's key; it only lets the device past the wide sign-in limits (LoginLimiter), never
 * past a password.
 */
export class KnownDevices {
  constructor(private readonly key: Buffer) {}

  /** Whether the cookie holds a live entry for this account. */
  vouchesFor(cookie: string | undefined, account: string, now = Date.now()): boolean {
    return this.entries(cookie, now).some((e) => this.matches(e, account));
  }

  /** The cookie after a sign-in to `account` on this device: its entry renewed and first. */
  afterSignIn(cookie: string | undefined, account: string, now = Date.now()): string {
    const issued = Math.floor(now / 1000).toString(36);
    const others = this.entries(cookie, now).filter((e) => !this.matches(e, account));
    return [`${issued}.${this.tag(account, issued)}`, ...others].slice(0, MAX_ACCOUNTS).join('~');
  }

  private entries(cookie: string | undefined, now: number): string[] {
    return (cookie ?? '')
      .split('~')
      .slice(0, MAX_ACCOUNTS)
      .filter((e) => {
        const issuedMs = parseInt(e.split('.')[0] ?? '', 36) * 1000;
        return issuedMs <= now && now - issuedMs < KNOWN_DEVICE_DAYS * DAY_MS;
      });
  }

  private matches(entry: string, account: string): boolean {
    const [issued = '', tag = ''] = entry.split('.');
    const expected = Buffer.from(this.tag(account, issued));
    const given = Buffer.from(tag);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private tag(account: string, issued: string): string {
    return createHmac('sha256', this.key).update(`${account}\n${issued}`).digest('base64url').slice(0, 22);
  }
}
