import { readFileSync } from 'node:fs';
import { EmbedHostMessage } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** The widget's quick start: the ```js block under its heading. */
const quickStart = /## Quick start[^\n]*\n[\s\S]*?```js\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
/** The contract's table (protocol.md, "Embedding"): each message type and who sends it. */
const senders = new Map(
  [
    ...readFileSync(new URL('../../protocol/spec/protocol.md', import.meta.url), 'utf8').matchAll(
      /^\s*\| (frame|host) \| `(carechat:[\w-]+)` \|/gm,
    ),
  ].map((m) => [m[2]!, m[1]!]),
);

describe('the widget’s README', () => {
  it('has a quick start under 15 lines', () => {
    expect(quickStart).toContain('/embed?parent=');
    expect(quickStart.split('\n').length).toBeLessThan(15);
  });

  it('posts what the frame accepts and listens for what the frame sends, as the contract says', () => {
    const posted = [...quickStart.matchAll(/postMessage\(\{ type: '(carechat:[\w-]+)'/g)].map((m) => m[1]!);
    const heard = [...quickStart.matchAll(/e\.data\.type === '(carechat:[\w-]+)'/g)].map((m) => m[1]!);
    expect(posted).toEqual(['carechat:auth']);
    expect(EmbedHostMessage.safeParse({ type: posted[0], token: 'a.host.jwt' }).success).toBe(true);
    expect(heard.length).toBeGreaterThan(2);
    expect(heard.filter((type) => senders.get(type) !== 'frame')).toEqual([]);
    // Every message type the README names is one the contract has, sent by the side it says.
    const named = [...readme.matchAll(/`(carechat:[\w-]+)`/g)].map((m) => m[1]!);
    expect(named.filter((type) => !senders.has(type))).toEqual([]);
  });
});
