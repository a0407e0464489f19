/**
 * Counts failed sign-ins per account and per IP in a sliding window. In memory: with several
 * processes each keeps its own count (shared limits through Redis come with issue #6).
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly maxPerAccount: number,
    private readonly maxPerIp: number,
  ) {}

  isLimited(email: string, ip: string, now = Date.now()): boolean {
    return this.count(`a:${email}`, now) >= this.maxPerAccount || this.count(`i:${ip}`, now) >= this.maxPerIp;
  }

  recordFailure(email: string, ip: string, now = Date.now()): void {
    for (const key of [`a:${email}`, `i:${ip}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  recordSuccess(email: string): void {
    this.failures.delete(`a:${email}`);
  }

  private count(key: string, now: number): number {
    return this.recent(key, now).length;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }

  private prune(now: number): void {
    for (const [key, list] of this.failures) if (list.every((t) => now - t >= this.windowMs)) this.failures.delete(key);
  }
}
