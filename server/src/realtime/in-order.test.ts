import { describe, expect, it } from 'vitest';
import { InOrder } from './in-order.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('InOrder', () => {
  it('runs a key’s tasks in the order asked, other keys beside them, and forgets idle keys', async () => {
    const order = new InOrder();
    const seen: string[] = [];
    const slow = deferred();
    const first = order.run('a', async () => {
      await slow.promise;
      seen.push('a1');
    });
    const second = order.run('a', async () => {
      seen.push('a2');
    });
    await order.run('b', async () => {
      seen.push('b1');
    });
    // b did not wait for a; a2 waits for a1 however long it takes.
    expect(seen).toEqual(['b1']);
    slow.resolve();
    await Promise.all([first, second]);
    expect(seen).toEqual(['b1', 'a1', 'a2']);
    await new Promise((r) => setImmediate(r));
    expect(order.busy).toBe(0);
  });

  it('goes on after a failed task, and the caller of that task sees its failure', async () => {
    const order = new InOrder();
    const failed = order.run('k', () => Promise.reject(new Error('boom')));
    const next = order.run('k', async () => undefined);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBeUndefined();
  });
});
