import type { ClockTimer } from './clock.js';
import type { Core } from './core.js';

/** How long before the session or token ends `token-expiring` fires, by default. */
export const EXPIRY_WARNING_MS = 5 * 60_000;

/**
 * Tells the host, some minutes ahead, that the session or its token ends: it hands a fresh
 * token (`setToken`) without a reload. The server's `expiresAt` (GET /api/auth/me) is the
 * earlier of the token's `exp` and the idle limit.
 */
export class ExpiryWarning {
  private timer: ClockTimer | undefined;

  constructor(
    private readonly core: Core,
    private readonly leadMs = EXPIRY_WARNING_MS,
  ) {}

  schedule(expiresAt: string | null): void {
    this.close();
    if (!expiresAt) return;
    const due = Date.parse(expiresAt) - this.leadMs - this.core.clock.now();
    this.timer = this.core.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.core.events.emit('token-expiring', { expiresAt });
      },
      Math.max(0, due),
    );
  }

  close(): void {
    if (this.timer) this.core.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
