import { availableParallelism } from 'node:os';

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
