import type { Conversation, Message, PendingAcknowledgement } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { initialState, type ClientState } from '../state.js';
import { enqueue, EMPTY_OUTBOX } from './outbox.js';
import { withoutConversation } from './removal.js';
import { latestThread } from './window.js';

const conversation = (id: string) => ({ id }) as Conversation;
const ack = (conversationId: string) =>
  ({ messageId: `m-${conversationId}`, conversationId }) as PendingAcknowledgement;

/** Two conversations, `gone` (open, typing, an unsent message, a pending ack) and `kept`. */
function twoConversations(): ClientState {
  let outbox = enqueue(EMPTY_OUTBOX, { clientMessageId: 'a', conversationId: 'gone', content: 'a' }, 1);
  outbox = enqueue(outbox, { clientMessageId: 'b', conversationId: 'kept', content: 'b' }, 2);
  const thread = latestThread({ data: [{ id: 'm1', seq: 1, rev: 1 } as Message], hasMore: false });
  return {
    ...initialState(null),
    conversations: { gone: conversation('gone'), kept: conversation('kept') },
    threads: { gone: thread, kept: thread },
    outbox,
    typing: { gone: ['doc'], kept: ['pat'] },
    openId: 'gone',
    revs: { gone: 1, kept: 1 },
    pendingAcks: [ack('gone'), ack('kept')],
    watermarks: { gone: { nurse: { read: 1, delivered: 1 } }, kept: { doc: { read: 1, delivered: 1 } } },
  };
}

describe('a conversation I was taken out of', () => {
  it('leaves the list, closes, and leaves nothing of itself behind; the others stay as they were', () => {
    const before = twoConversations();
    const after = withoutConversation(before, 'gone');
    expect(Object.keys(after.conversations)).toEqual(['kept']);
    expect(after.openId).toBeNull();
    expect(Object.keys(after.threads)).toEqual(['kept']);
    expect(after.outbox.items.map((i) => i.clientMessageId)).toEqual(['b']);
    expect(after.typing).toEqual({ kept: ['pat'] });
    expect(after.revs).toEqual({ kept: 1 });
    expect(after.pendingAcks?.map((p) => p.conversationId)).toEqual(['kept']);
    expect(Object.keys(after.watermarks)).toEqual(['kept']);
    expect(after.threads.kept).toBe(before.threads.kept);
  });

  it('keeps another conversation open, and changes nothing for one it never knew', () => {
    const before = { ...twoConversations(), openId: 'kept' };
    expect(withoutConversation(before, 'gone').openId).toBe('kept');
    expect(withoutConversation(before, 'unknown')).toBe(before);
  });
});
