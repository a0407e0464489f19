/**
 * Group work for the database: an item never waits for company (with a lane free it runs at
 * once, alone), but while every lane is busy items queue up, and the next free lane runs all
 * of them as one statement. Under load that turns N round trips and N commits into one, which
 * is what lets sends go past PostgreSQL's single-row commit rate; at low load it adds nothing.
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
    private readonly maxBatch = 256,
  ) {}

  run(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.busyLanes < this.lanes && this.queue.length > 0) {
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
      if (outs) return batch.forEach((w, i) => w.resolve(outs[i]!));
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
