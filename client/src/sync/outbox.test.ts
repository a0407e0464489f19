import { describe, expect, it } from 'vitest';
import {
  acked,
  deferred,
  discard,
  EMPTY_OUTBOX,
  enqueue,
  fromStoredOutbox,
  nextToSend,
  pendingIn,
  refused,
  retryNow,
  toSendInput,
  toStoredOutbox,
  type Outbox,
} from './outbox.js';

const filled = (): Outbox =>
  ['a', 'b', 'c'].reduce(
    (o, id, i) => enqueue(o, { clientMessageId: id, conversationId: i < 2 ? 'c1' : 'c2', content: id }, 1000 + i),
    EMPTY_OUTBOX,
  );
const ids = (o: Outbox) => o.items.map((i) => `${i.clientMessageId}:${i.state}`);

describe('the outbox', () => {
  it('sends oldest first, one at a time, and drops a message once acked', () => {
    let o = filled();
    expect(nextToSend(o)?.clientMessageId).toBe('a');
    o = acked(o, 'a');
    expect(nextToSend(o)?.clientMessageId).toBe('b');
    expect(pendingIn(o, 'c1').map((i) => i.clientMessageId)).toEqual(['b']);
    expect(o.items[0]!.createdAt).toBe(new Date(1001).toISOString());
  });

  it('backs off 1 s doubling to 30 s while the server cannot take a message, and starts over after an ack', () => {
    let o = filled();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) delays.push((o = deferred(o)).retryDelayMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(retryNow(o).retryDelayMs).toBe(0);
    expect(acked(o, 'a').retryDelayMs).toBe(0);
  });

  it('keeps a message (its clientMessageId too) on a refusal for now, and fails it on a final one', () => {
    let o = refused(filled(), 'a', { code: 'RATE_LIMITED', message: 'slow down' });
    expect([ids(o), o.retryDelayMs]).toEqual([['a:pending', 'b:pending', 'c:pending'], 1000]);
    o = refused(o, 'a', { code: 'NO_APPOINTMENT', message: 'no appointment' });
    expect(ids(o)).toEqual(['a:failed', 'b:pending', 'c:pending']);
    expect(o.items[0]).toMatchObject({ error: 'no appointment', code: 'NO_APPOINTMENT' });
    // A failed message no longer holds the queue up; the person may discard it.
    expect(nextToSend(o)?.clientMessageId).toBe('b');
    expect(ids(discard(o, 'a'))).toEqual(['b:pending', 'c:pending']);
  });

  it('sends only the fields a message has', () => {
    const o = enqueue(
      EMPTY_OUTBOX,
      { clientMessageId: 'x', conversationId: 'c', content: '', attachmentIds: ['f'] },
      0,
    );
    expect(toSendInput(o.items[0]!)).toEqual({ conversationId: 'c', clientMessageId: 'x', attachmentIds: ['f'] });
  });

  it('survives a reload through storage, and junk in storage is skipped', () => {
    const o = deferred(filled());
    const back = fromStoredOutbox(toStoredOutbox(o));
    expect(back).toEqual({ items: o.items, retryDelayMs: 0 });
    expect(toStoredOutbox(EMPTY_OUTBOX)).toBeNull();
    for (const junk of [null, '{', '{"v":2,"items":[]}', '{"v":1,"items":[{"clientMessageId":1}]}'])
      expect(fromStoredOutbox(junk).items).toEqual([]);
  });

  it("sends a clinician's acknowledgement request and a patient's urgency with the message, across a reload", () => {
    const o = enqueue(EMPTY_OUTBOX, { clientMessageId: 'x', conversationId: 'c1', content: 'hi', requestAck: true }, 1);
    const both = enqueue(o, { clientMessageId: 'y', conversationId: 'c1', content: 'ow', urgent: true }, 2);
    const back = fromStoredOutbox(toStoredOutbox(both));
    expect(back.items.map(toSendInput)).toEqual([
      { conversationId: 'c1', clientMessageId: 'x', content: 'hi', requestAck: true },
      { conversationId: 'c1', clientMessageId: 'y', content: 'ow', urgent: true },
    ]);
  });
});
