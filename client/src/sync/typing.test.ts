import { describe, expect, it } from 'vitest';
import { TYPING_THROTTLE_MS, typingSignal, withPeerTyping, type TypingSent } from './typing.js';

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

  it('shows the other person typing, never myself', () => {
    const t = withPeerTyping({}, { conversationId: 'c', userId: 'peer', isTyping: true }, 'me');
    expect(t).toEqual({ c: true });
    expect(withPeerTyping(t, { conversationId: 'c', userId: 'me', isTyping: false }, 'me')).toBe(t);
    expect(withPeerTyping(t, { conversationId: 'c', userId: 'peer', isTyping: false }, 'me')).toEqual({ c: false });
  });
});
