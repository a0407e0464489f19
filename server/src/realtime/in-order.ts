/**
 * Runs tasks one after another per key, in the order they were asked for, and lets different
 * keys run side by side. What a task tells a socket is then told in the order its state was
 * read. A key's chain is forgotten once it is idle, so keys do not accumulate.
 */
export class InOrder {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, task: () => Promise<void>): Promise<void> {
    const done = (this.tails.get(key) ?? Promise.resolve()).then(task);
    // The next task waits for this one whether it succeeds or fails; the caller sees the failure.
    const tail = done.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return done;
  }

  /** How many keys have a task running or waiting (for tests). */
  get busy(): number {
    return this.tails.size;
  }
}
