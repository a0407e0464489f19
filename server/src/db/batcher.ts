/**
 * Group work for the database: an item never waits for company (with no statement running it
 * runs at once, alone), but while one runs items queue up, and the next lane runs all of them
 * as one statement. Under load that turns N round trips and N commits into one, which is what
 * lets sends go past PostgreSQL's single-row commit rate; at low load it adds nothing.
 *
 * Lanes past the first open only once `spill` items are waiting. Each statement has a fixed
 * cost (about 0.9 ms of database CPU for a send, whatever its size): lanes that open at once
 * split the queue into groups of one or two, and at 1,000 sends/s three such lanes spent 78% of
 * a core in PostgreSQL against 50% for one. More lanes are for when one cannot keep up: one
 * lane alone left 2,000 sends/s with p99 over 500 ms while a core stood idle, since each
 * statement also waits for its commit to reach the disk.
 */
export class Batcher<In, Out> {
  private queue: { item: In; resolve(out: Out): void; reject(err: unknown): void }[] = [];
  private busyLanes = 0;

  constructor(
    /** Runs many items in one statement; answers in the order given. */
    private readonly many: (items: In[]) => Promise<Out[]>,
    /** Runs one item: for a batch of one, and item by item when a batch fails as a whole. */
    private readonly one: (item: In) => Promise<Out>,
    private readonly lanes: number,
    private readonly spill = 16,
    private readonly maxBatch = 256,
  ) {}

  run(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.busyLanes < this.lanes && this.queue.length > (this.busyLanes === 0 ? 0 : this.spill - 1)) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.busyLanes++;
      void this.flush(batch).finally(() => {
        this.busyLanes--;
        this.pump();
      });
    }
  }

  private async flush(batch: typeof this.queue): Promise<void> {
    if (batch.length > 1) {
      let outs: Out[] | undefined;
      try {
        outs = await this.many(batch.map((w) => w.item));
      } catch {
        // Nothing of the batch took effect: each item goes again on its own, in order, so
        // one that fails (a retry racing its original) fails alone.
      }
      if (outs) {
        // `many` answers every item in order: an answer of another length is its bug, told to each waiter.
        if (outs.length !== batch.length) {
          const wrong = new Error(`Batcher: ${outs.length} answers for ${batch.length} items`);
          return batch.forEach((w) => w.reject(wrong));
        }
        return outs.forEach((out, i) => batch[i]?.resolve(out));
      }
    }
    for (const w of batch) {
      try {
        w.resolve(await this.one(w.item));
      } catch (err) {
        w.reject(err);
      }
    }
  }
}
