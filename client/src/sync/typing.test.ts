import { describe, expect, it } from 'vitest';
import type { Conversation, Participant } from '@carechat/protocol';
import {
  TYPING_THROTTLE_MS,
  typingSignal,
  typistsOf,
  withoutTypist,
  withPeerTyping,
  type TypingSent,
} from './typing.js';

describe('typing', () => {
  it('says "start" at most every few seconds while the person types, and "stop" once after', () => {
    let sent: TypingSent = {};
    const emitted: (string | null)[] = [];
    for (const [active, at] of [
      [true, 0],
      [true, 1000],
      [true, TYPING_THROTTLE_MS - 1],
      [true, TYPING_THROTTLE_MS],
      [false, TYPING_THROTTLE_MS + 10],
      [false, TYPING_THROTTLE_MS + 20],
    ] as const) {
      const step = typingSignal(sent, 'c', active, at);
      sent = step.sent;
      emitted.push(step.emit);
    }
    expect(emitted).toEqual(['chat:typing:start', null, null, 'chat:typing:start', 'chat:typing:stop', null]);
  });

  it('keeps each conversation apart', () => {
    const { sent } = typingSignal({}, 'a', true, 0);
    expect(typingSignal(sent, 'b', true, 10).emit).toBe('chat:typing:start');
    expect(typingSignal(sent, 'b', false, 10).emit).toBeNull();
  });

  it('keeps who else is typing per conversation, never myself, until each stops', () => {
    const start = (userId: string, conversationId = 'c') => ({ conversationId, userId, isTyping: true });
    const stop = (userId: string) => ({ conversationId: 'c', userId, isTyping: false });
    let t = withPeerTyping({}, start('nurse'), 'pat');
    expect(t).toEqual({ c: ['nurse'] });
    t = withPeerTyping(t, start('doc'), 'pat');
    expect(withPeerTyping(t, start('doc'), 'pat')).toBe(t);
    expect(withPeerTyping(t, start('pat'), 'pat')).toBe(t);
    expect(withPeerTyping(t, start('doc', 'other'), 'pat')).toEqual({ c: ['nurse', 'doc'], other: ['doc'] });
    // One stops (or the server ends it after its 5 s), the other still types; then no one, and no key.
    t = withPeerTyping(t, stop('nurse'), 'pat');
    expect(t).toEqual({ c: ['doc'] });
    expect(withPeerTyping(t, stop('nurse'), 'pat')).toBe(t);
    expect(withPeerTyping(t, stop('doc'), 'pat')).toEqual({});
  });

  it("ends someone's typing with their message, and no one else's", () => {
    const t = { c: ['nurse', 'doc'] };
    expect(withoutTypist(t, 'c', 'doc')).toEqual({ c: ['nurse'] });
    expect(withoutTypist(t, 'c', 'pat')).toBe(t);
    expect(withoutTypist(t, 'other', 'doc')).toBe(t);
  });

  it('names the typists as the conversation lists them, and no one since gone from the team', () => {
    const person = (id: string, role: Participant['role']): Participant => ({
      id,
      name: id,
      role,
      online: true,
      lastSeenAt: null,
    });
    const [pat, doc, nurse] = [person('pat', 'PATIENT'), person('doc', 'DOCTOR'), person('nurse', 'STAFF')];
    const c = { id: 'c', patient: pat, doctor: doc, careTeam: [nurse] } as Conversation;
    expect(typistsOf(c, { c: ['nurse', 'doc'] })).toEqual([doc, nurse]);
    expect(typistsOf({ ...c, careTeam: [] }, { c: ['nurse'] })).toEqual([]);
    expect(typistsOf(c, {})).toEqual([]);
  });
});
