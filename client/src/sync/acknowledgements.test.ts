import type { Conversation, Message } from '@carechat/protocol';
import { describe, expect, it } from 'vitest';
import { awaitsAcknowledgement, withAckMessage } from './acknowledgements.js';

const conversation = {
  id: 'c1',
  patient: { id: 'pat', name: 'Ana Ruiz' },
  doctor: { id: 'doc', name: 'Dr Lee' },
} as unknown as Conversation;
const msg = (over: Partial<Message> = {}) =>
  ({
    id: 'm1',
    conversationId: 'c1',
    seq: 3,
    senderId: 'doc',
    createdAt: '2026-05-01T10:00:00.000Z',
    deletedAt: null,
    acknowledgement: { acknowledgedAt: null, acknowledgedBy: null },
    ...over,
  }) as Message;
const earlier = {
  messageId: 'm0',
  conversationId: 'c0',
  seq: 1,
  patient: { id: 'p0', name: 'Bo' },
  sentAt: '2026-04-01T10:00:00.000Z',
  reminders: 2,
};

describe('pending acknowledgements', () => {
  it('know which messages still wait', () => {
    expect(awaitsAcknowledgement(msg())).toBe(true);
    expect(awaitsAcknowledgement(msg({ acknowledgement: undefined }))).toBe(false);
    expect(awaitsAcknowledgement(msg({ acknowledgement: { acknowledgedAt: 'x', acknowledgedBy: 'pat' } }))).toBe(false);
    expect(awaitsAcknowledgement(msg({ deletedAt: '2026-05-01T11:00:00.000Z' }))).toBe(false);
  });

  it("add the clinician's new waiting message once, oldest first, naming the patient", () => {
    const once = withAckMessage([earlier], msg(), 'doc', conversation);
    expect(once).toEqual([
      earlier,
      {
        messageId: 'm1',
        conversationId: 'c1',
        seq: 3,
        patient: { id: 'pat', name: 'Ana Ruiz' },
        sentAt: '2026-05-01T10:00:00.000Z',
        reminders: 0,
      },
    ]);
    expect(withAckMessage(once, msg(), 'doc', conversation)).toBe(once);
  });

  it('drop a message once acknowledged or deleted; leave others and an unloaded list alone', () => {
    const list = withAckMessage([earlier], msg(), 'doc', conversation);
    const acked = msg({ acknowledgement: { acknowledgedAt: '2026-05-01T12:00:00.000Z', acknowledgedBy: 'pat' } });
    expect(withAckMessage(list, acked, 'doc', conversation)).toEqual([earlier]);
    expect(withAckMessage(list, msg({ deletedAt: '2026-05-01T12:00:00.000Z' }), 'doc', conversation)).toEqual([
      earlier,
    ]);
    // Someone else's message, a plain one, or no list loaded: unchanged.
    expect(withAckMessage(list, msg({ senderId: 'pat' }), 'doc', conversation)).toBe(list);
    expect(withAckMessage(list, msg({ id: 'm9', acknowledgement: undefined }), 'doc', conversation)).toBe(list);
    expect(withAckMessage(null, msg(), 'doc', conversation)).toBeNull();
  });
});
