import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

/** A statement we finish by hand, recording the groups it was given. */
function statements() {
  const groups: number[][] = [];
  const finish: (() => void)[] = [];
  const many = (items: number[]) =>
    new Promise<number[]>((resolve) => {
      groups.push(items);
      finish.push(() => resolve(items.map((i) => i * 10)));
    });
  const one = (item: number) => many([item]).then(([out]) => out!);
  return { groups, finish, many, one };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('runs a lone item at once, groups what arrives meanwhile, and opens more lanes only once 16 wait', async () => {
    const s = statements();
    const b = new Batcher(s.many, s.one, 3);
    const outs: Promise<number>[] = [b.run(1)];
    await tick();
    expect(s.groups).toEqual([[1]]); // nothing running: no waiting for company

    for (let i = 2; i <= 16; i++) outs.push(b.run(i));
    await tick();
    expect(s.groups).toHaveLength(1); // 15 waiting: still one lane

    outs.push(b.run(17));
    await tick();
    expect(s.groups).toHaveLength(2); // the 16th waiting opens a second lane, which takes them all
    expect(s.groups[1]).toEqual(Array.from({ length: 16 }, (_, i) => i + 2));

    outs.push(b.run(18));
    s.finish.shift()!();
    await tick();
    expect(s.groups).toHaveLength(2); // one lane still runs, so 18 waits for company
    s.finish.shift()!();
    await tick();
    expect(s.groups[2]).toEqual([18]); // no statement running: it goes at once
    s.finish.shift()!();
    expect(await Promise.all(outs)).toEqual(Array.from({ length: 18 }, (_, i) => (i + 1) * 10));
  });
});
