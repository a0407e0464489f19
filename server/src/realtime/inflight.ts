/** Counts work that has been accepted but not yet answered, so shutdown can wait for it. */
export class Inflight {
  private count = 0;
  /** Set when shutdown begins: new work is refused (with an answer) instead of started. */
  closing = false;
  private waiters: (() => void)[] = [];

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await work();
    } finally {
      if (--this.count === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`, whichever comes first. */
  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
