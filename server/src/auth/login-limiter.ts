/**
 * Counts failed sign-ins per account and per IP in a sliding window. In memory: with several
 * processes each keeps its own count (shared limits through Redis come with issue #6).
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  /**
   * Attempts still being checked, counted as failures until they end: a password check takes
   * tens of milliseconds, so without this a burst of parallel guesses all pass `isLimited`
   * before the first failure is recorded.
   */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxPerAccount: number,
    private readonly maxPerIp: number,
  ) {}

  isLimited(email: string, ip: string, now = Date.now()): boolean {
    return this.count(`a:${email}`, now) >= this.maxPerAccount || this.count(`i:${ip}`, now) >= this.maxPerIp;
  }

  /** Holds a place for an attempt that passed `isLimited`; call the result once it has been recorded. */
  begin(email: string, ip: string): () => void {
    const keys = [`a:${email}`, `i:${ip}`];
    for (const key of keys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      for (const key of keys) {
        const left = (this.pending.get(key) ?? 1) - 1;
        if (left > 0) this.pending.set(key, left);
        else this.pending.delete(key);
      }
    };
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
    return this.recent(key, now).length + (this.pending.get(key) ?? 0);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }

  private prune(now: number): void {
    for (const [key, list] of this.failures) if (list.every((t) => now - t >= this.windowMs)) this.failures.delete(key);
  }
}
