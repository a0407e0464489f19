import { describe, expect, it } from 'vitest';
import { WorkQueue } from './upload-limits.js';

describe('WorkQueue', () => {
  it('runs at most its limit at once, the rest in arrival order, and goes on after a task fails', async () => {
    const queue = new WorkQueue(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      if (i === 1) throw new Error('bad picture');
      return i;
    };
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => queue.run(task(i))));
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([0, 'failed', 2, 3, 4]);
    expect(await queue.run(async () => 'after')).toBe('after');
  });
});
