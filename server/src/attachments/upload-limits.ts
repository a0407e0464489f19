import { availableParallelism } from 'node:os';
import { AppError } from '../errors.js';

/**
 * Things one person may hold at once in this process: uploads in flight (each holds up to
 * 10 MiB in memory while it is read, scanned and encrypted), sockets. Past the limit the next
 * is refused with RATE_LIMITED (`refusal` says what to do) before it costs anything.
 */
export class SlotsPerPerson {
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly perUser: number,
    private readonly refusal: (limit: number) => string,
  ) {}

  /** Takes a slot for `userId`, or throws RATE_LIMITED; the release is safe to call twice. */
  take(userId: string): () => void {
    const n = this.inFlight.get(userId) ?? 0;
    if (n >= this.perUser) throw new AppError('RATE_LIMITED', this.refusal(this.perUser));
    this.inFlight.set(userId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(userId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(userId, left);
      else this.inFlight.delete(userId);
    };
  }
}

/**
 * Runs at most `limit` tasks at once, the rest in arrival order. Decoding an image or
 * rendering a PDF page takes a core and, for a large picture, hundreds of megabytes: one at
 * a time per core keeps a burst of uploads from taking every core and all the memory at once.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit = availableParallelism()) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      // A waiter inherits this slot, so `running` stays counted.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
