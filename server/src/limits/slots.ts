import { AppError } from '../errors.js';

/**
 * How many of something each key holds at once (a person's uploads or sockets, an address's
 * connections not yet signed in), up to a limit. A slot is given back by its release, which
 * is safe to call more than once (a socket's close and its disconnect may both call it).
 */
export class SlotsPerKey {
  private readonly held = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** A slot for `key`, or null when it holds `limit` already. */
  tryTake(key: string): (() => void) | null {
    const n = this.held.get(key) ?? 0;
    if (n >= this.limit) return null;
    this.held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}

/** Slots per person, refused with RATE_LIMITED (`refusal` says what to do) before anything is spent. */
export class SlotsPerPerson extends SlotsPerKey {
  constructor(
    limit: number,
    private readonly refusal: (limit: number) => string,
  ) {
    super(limit);
  }

  /** Takes a slot for `userId`, or throws RATE_LIMITED. */
  take(userId: string): () => void {
    const release = this.tryTake(userId);
    if (!release) throw new AppError('RATE_LIMITED', this.refusal(this.limit));
    return release;
  }
}
